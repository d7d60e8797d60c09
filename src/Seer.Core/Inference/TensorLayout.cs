namespace Seer.Core.Inference;

/// <summary>Memory layout of an image input tensor.</summary>
public enum TensorLayout
{
    /// <summary>[N, C, H, W] (PyTorch, Seer's exports).</summary>
    Nchw = 0,
    /// <summary>[N, H, W, C] (TensorFlow-born models).</summary>
    Nhwc = 1,
}
