using Seer.Core.Errors;

namespace Seer.Search.Tests;

public class BadInputTests
{
    private static FeatureGroup NewGroup(DistanceMetric metric = DistanceMetric.InnerProduct) =>
        FeatureGroup.CreateInMemory("g", new FeatureGroupOptions { Dimension = 4, Metric = metric });

    [Fact]
    public void Add_RejectsWrongDimension()
    {
        using var group = NewGroup();
        var error = Assert.Throws<SeerException>(() => group.Add([new FeatureItem("x", [1, 2, 3])]));
        Assert.Equal(ErrorCodes.InvalidInput, error.Code);
        Assert.Contains("dimension 3", error.Message);
        Assert.Contains("expects 4", error.Message);
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "infinite")]
    public void AddAndQuery_RejectNonFiniteValues(float bad, string word)
    {
        using var group = NewGroup();
        var error = Assert.Throws<SeerException>(() => group.Add([new FeatureItem("ok", [1, 0, 0, 0]), new FeatureItem("x", [1, bad, 0, 0])]));
        Assert.Contains(word, error.Message);
        Assert.Contains("'x'", error.Message);
        Assert.Equal(0, group.Count); // nothing of the failed call was applied
        var queryError = Assert.Throws<SeerException>(() => group.Search([0, 0, bad, 1], 1));
        Assert.Contains("query 0", queryError.Message);
    }

    [Fact]
    public void Add_RejectsDuplicateIdsInOneCallAndAgainstTheGroup()
    {
        using var group = NewGroup();
        var inCall = Assert.Throws<SeerException>(() => group.Add([new FeatureItem("a", [1, 0, 0, 0]), new FeatureItem("a", [0, 1, 0, 0])]));
        Assert.Contains("duplicate id 'a'", inCall.Message);
        group.Add([new FeatureItem("a", [1, 0, 0, 0])]);
        var existing = Assert.Throws<SeerException>(() => group.Add([new FeatureItem("a", [0, 1, 0, 0])]));
        Assert.Equal(ErrorCodes.Conflict, existing.Code);
        Assert.Equal(1, group.Count);
    }

    [Fact]
    public void Cosine_RejectsAZeroVector()
    {
        using var group = NewGroup(DistanceMetric.Cosine);
        var error = Assert.Throws<SeerException>(() => group.Add([new FeatureItem("z", [0, 0, 0, 0])]));
        Assert.Contains("zero length", error.Message);
    }

    [Fact]
    public void Workspace_UnknownGroupIsNotFound()
    {
        var workspace = new SearchWorkspace(TestVectors.NewTempDir());
        var error = Assert.Throws<SeerException>(() => workspace.Open("nope"));
        Assert.Equal(ErrorCodes.NotFound, error.Code);
        Assert.Contains("'nope' does not exist", error.Message);
    }

    [Fact]
    public void Remove_UnknownIdIsNotFoundAndChangesNothing()
    {
        using var group = NewGroup();
        group.Add([new FeatureItem("a", [1, 0, 0, 0])]);
        var error = Assert.Throws<SeerException>(() => group.Remove(["a", "b"]));
        Assert.Equal(ErrorCodes.NotFound, error.Code);
        Assert.Equal(1, group.Count);
    }
}
