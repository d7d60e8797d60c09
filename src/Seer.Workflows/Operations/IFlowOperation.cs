using System.Text.Json.Nodes;

namespace Seer.Workflows.Operations;

/// <summary>
/// One kind of step (<c>op:</c> in a flow file). Gets its inputs with every reference already substituted, does its
/// work through Seer's libraries, returns its outputs as a JSON object (recorded with the step; later steps read them
/// as <c>${steps.ID.KEY}</c>). Outputs must depend only on the inputs and the workspace, so that a resume may reuse them.
/// </summary>
public interface IFlowOperation
{
    /// <summary>The name used in flow files.</summary>
    string Name { get; }

    Task<JsonObject> RunAsync(FlowStepContext context, JsonObject inputs, CancellationToken cancellationToken);
}
