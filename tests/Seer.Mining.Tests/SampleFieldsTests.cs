using Seer.Mining.Fields;

namespace Seer.Mining.Tests;

/// <summary>Brain-style per-image fields: uniqueness from feature neighbours and a label's mistakenness.</summary>
public class SampleFieldsTests
{
    [Fact]
    public void Uniqueness_IsHighestForTheIsolatedImage_AndLowForAClusterOfNearCopies()
    {
        var rng = new Random(3);
        var features = new List<float[]>();
        for (int i = 0; i < 20; i++) features.Add([1 + (float)rng.NextDouble() * 0.05f, 0.1f, (float)rng.NextDouble() * 0.05f, 0]); // one tight cluster
        for (int i = 0; i < 5; i++) features.Add([0, 1, 0.2f * i, 0]); // a looser group
        features.Add([0, 0, 0, 1]); // alone
        var u = SampleFields.Uniqueness(features, 3);
        Assert.Equal(features.Count, u.Length);
        Assert.Equal(1.0, u[^1], 9);
        Assert.All(u.Take(20), x => Assert.InRange(x, 0, 0.05));
        Assert.All(u.Skip(20).Take(5), x => Assert.True(x > u.Take(20).Max() && x < 1));
        // Scale does not matter (cosine), and one vector alone is unique.
        Assert.Equal(u, SampleFields.Uniqueness(features.Select(f => f.Select(v => v * 7).ToArray()).ToList(), 3), new ToleranceComparer(1e-6));
        Assert.Equal([1.0], SampleFields.Uniqueness([[1f, 2f]], 5));
    }

    [Fact]
    public void Mistakenness_IsOneMinusTheLabelsProbability()
    {
        var scores = new List<(string, float)> { ("cat", 0.9f), ("dog", 0.1f) };
        Assert.Equal(0.1, SampleFields.Mistakenness("cat", scores)!.Value, 6);
        Assert.Equal(0.9, SampleFields.Mistakenness("dog", scores)!.Value, 6);
        Assert.Null(SampleFields.Mistakenness("bird", scores));
        Assert.Null(SampleFields.Mistakenness(null, scores));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
