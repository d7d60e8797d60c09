namespace Seer.Training.Nn;

/// <summary>The activations Seer's blocks use (both export to standard ONNX ops: Relu, and Sigmoid * x for SiLU).</summary>
public enum ActivationKind
{
    ReLU = 0,
    SiLU = 1,
}
