using TorchSharp;

namespace Seer.Training.Models;

/// <summary>
/// A network with a pretrainable backbone: pretrained weights (<c>--pretrained</c>, a classifier-less ResNet-18 state
/// dict) load into <see cref="Backbone"/> (keys prefixed with <see cref="BackbonePrefix"/> in the whole network); its
/// parameters (<see cref="InBackbone"/>) train at TrainingOptions.BackboneLrScale times the learning rate.
/// </summary>
public interface IBackboneModel
{
    torch.nn.Module Backbone { get; }

    string BackbonePrefix { get; }

    /// <summary>True for a parameter name (of the whole network's state dict) that belongs to the backbone.</summary>
    bool InBackbone(string parameterName);
}
