using System.Numerics;
using Seer.Mining.Inputs;

namespace Seer.Mining.Selection;

/// <summary>
/// Remembers the images picked so far and tells whether a candidate is a near-duplicate of one of them: the same
/// content hash, perceptual hashes within a Hamming distance, or L2-normalised features within a distance.
/// </summary>
internal sealed class DuplicateGuard
{
    private readonly HashSet<string> _hashes = new(StringComparer.Ordinal);
    private readonly List<ulong> _phashes = [];
    private readonly List<float[]> _features = [];
    private readonly int _hamming;
    private readonly double? _featureDistance;

    public DuplicateGuard(int hamming, double? featureDistance)
    {
        _hamming = hamming;
        _featureDistance = featureDistance;
    }

    public bool IsDuplicate(MiningCandidate c)
    {
        if (_hashes.Contains(c.ContentHash)) return true;
        if (_hamming >= 0 && c.PerceptualHash is { } ph)
            foreach (var other in _phashes)
                if (BitOperations.PopCount(ph ^ other) <= _hamming) return true;
        if (_featureDistance is { } limit && c.Output.Features is { } f)
        {
            var n = Vectors.Normalised(f);
            foreach (var other in _features)
                if (Vectors.Distance(n, other) <= limit) return true;
        }
        return false;
    }

    public void Add(MiningCandidate c)
    {
        _hashes.Add(c.ContentHash);
        if (c.PerceptualHash is { } ph) _phashes.Add(ph);
        if (_featureDistance is not null && c.Output.Features is { } f) _features.Add(Vectors.Normalised(f));
    }
}
