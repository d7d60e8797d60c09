using System.Globalization;

namespace Seer.Training.Options;

/// <summary>A device setting as users write it: <c>cpu</c> or <c>cuda:N</c> (<c>cuda</c> = <c>cuda:0</c>).</summary>
public readonly record struct DeviceSpec(bool IsCuda, int Index)
{
    public static bool TryParse(string? text, out DeviceSpec device)
    {
        device = default;
        if (text is null) return false;
        if (text == "cpu") return true;
        if (text == "cuda") { device = new DeviceSpec(true, 0); return true; }
        if (text.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
        {
            device = new DeviceSpec(true, index);
            return true;
        }
        return false;
    }

    public override string ToString() => IsCuda ? $"cuda:{Index}" : "cpu";
}
