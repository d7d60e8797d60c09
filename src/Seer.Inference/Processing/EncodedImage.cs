namespace Seer.Inference.Processing;

/// <summary>An image file's bytes (JPEG, PNG, BMP, WebP, ...) and a name to report results and errors under.</summary>
public sealed record EncodedImage(string Name, byte[] Bytes)
{
    public static EncodedImage FromFile(string path)
    {
        try
        {
            return new EncodedImage(path, File.ReadAllBytes(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new Core.Errors.SeerException(Core.Errors.ErrorCodes.NotFound, $"cannot read image '{path}': {ex.Message}", path, ex);
        }
    }
}
