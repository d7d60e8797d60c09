namespace Seer.Formats.Idx;

/// <summary>Class names of the known IDX datasets, by label value.</summary>
internal static class IdxClassNames
{
    public static readonly IReadOnlyList<string> FashionMnist =
    [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ];

    public static readonly IReadOnlyList<string> Mnist = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
}
