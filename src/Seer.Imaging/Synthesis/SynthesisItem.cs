namespace Seer.Imaging.Synthesis;

/// <summary>A foreground item to paste: a grey image whose brightness is its opacity (digit or Fashion-MNIST style) and its label.</summary>
public sealed record SynthesisItem(string Label, int Width, int Height, byte[] Grey);
