namespace Seer.Training.Onnx;

/// <summary>ONNX TensorProto.DataType values Seer writes.</summary>
public enum OnnxElementType
{
    Float = 1,
    Int32 = 6,
    Int64 = 7,
}
