using static TorchSharp.torch;

namespace Seer.Training.Models;

/// <summary>
/// A network that can give its own feature vector per image, [N, 3, S, S] → [N, D], the space mining's diversity and
/// combined strategies spread a batch over (core-set). Classifiers: the input of the last linear layer (eval mode);
/// detectors: the deepest backbone stage averaged over the image. The ONNX export writes it as output <c>features</c>.
/// </summary>
public interface IFeatureModel
{
    Tensor features(Tensor input);
}
