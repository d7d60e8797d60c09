using System.Text.Json.Nodes;
using Seer.Core.Errors;
using Seer.Workflows.Definition;

namespace Seer.Workflows.Tests;

public sealed class FlowLoaderTests
{
    private static readonly string[] Ops = ["echo", "train", "best"];

    private static SeerException Refused(string yaml) =>
        Assert.Throws<SeerException>(() => FlowLoader.Parse(yaml, "yaml", "f.yaml", Ops));

    [Theory]
    [InlineData("steps: []", "non-empty")]
    [InlineData("stepz: [{id: a, op: echo}]", "unknown key 'stepz'")]
    [InlineData("steps: [{id: a, op: echo}, {id: a, op: echo}]", "used twice")]
    [InlineData("steps: [{id: a, op: trian}]", "unknown op 'trian'")]
    [InlineData("steps: [{id: a, op: echo, wiht: {}}]", "unknown key 'wiht'")]
    [InlineData("steps: [{id: a}]", "neither 'op' nor 'foreach'")]
    [InlineData("steps: [{id: b, op: best, join: a}]", "not an earlier foreach")]
    [InlineData("steps: [{id: a, foreach: [1], concurrency: 0, steps: [{id: b, op: echo}]}]", "concurrency must be")]
    [InlineData("steps: [{id: a, foreach: [1], steps: [{id: b, foreach: [2], steps: [{id: c, op: echo}]}]}]", "inside a foreach")]
    [InlineData("steps: [{id: 1a, op: echo}]", "must start with a letter")]
    [InlineData("steps: [{id: a, op: echo}\n", "invalid YAML")]
    public void BadFlows_AreRefusedBeforeAnythingRuns_WithTheReason(string yaml, string reason)
    {
        var e = Refused(yaml);
        Assert.Contains(reason, e.Message);
        Assert.Equal("f.yaml", e.Path);
    }

    [Fact]
    public void YamlScalars_KeepTheirTypes_AndQuotedOnesStayStrings()
    {
        var flow = FlowLoader.Parse("steps: [{id: a, op: echo, with: {n: 3, x: 0.5, b: true, s: '3', z: ~}}]", "yaml", "f.yaml", Ops);
        var with = (JsonObject)flow.Steps[0].With!;
        Assert.Equal(3, with["n"]!.GetValue<long>());
        Assert.Equal(0.5, with["x"]!.GetValue<double>());
        Assert.True(with["b"]!.GetValue<bool>());
        Assert.Equal("3", with["s"]!.GetValue<string>());
        Assert.Null(with["z"]);
    }

    [Fact]
    public void TheSameFlowAsJson_ParsesTheSame()
    {
        var yaml = FlowLoader.Parse("name: x\nsteps: [{id: a, op: echo, with: {n: [1, 2]}}]", "yaml", "f.yaml", Ops);
        var json = FlowLoader.Parse("""{"name": "x", "steps": [{"id": "a", "op": "echo", "with": {"n": [1, 2]}}]}""", "json", "f.json", Ops);
        Assert.Equal(yaml.Steps[0].With!.ToJsonString(), json.Steps[0].With!.ToJsonString());
    }

    [Fact]
    public void References_KeepTheReferencedType_WhenAStringIsOneReference_AndInterpolateOtherwise()
    {
        var values = new JsonObject { ["n"] = 4, ["list"] = new JsonArray(1, 2) };
        FlowExpressions.RootLookup lookup = root => root == "params" ? values : null;
        var node = FlowExpressions.Substitute(JsonNode.Parse("""{"a": "${params.list}", "b": "n=${params.n}", "c": "${ params.n }"}"""), lookup, "t")!;
        Assert.IsType<JsonArray>(node["a"]);
        Assert.Equal("n=4", node["b"]!.GetValue<string>());
        Assert.Equal(4, node["c"]!.GetValue<int>());
        Assert.True(FlowExpressions.Condition("${params.n} >= 4", lookup, "t"));
        Assert.False(FlowExpressions.Condition("${params.n} < 4", lookup, "t"));
        Assert.True(FlowExpressions.Condition("${params.n} == 4.0", lookup, "t"));
    }
}
