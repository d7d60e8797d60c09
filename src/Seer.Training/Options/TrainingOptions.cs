namespace Seer.Training.Options;

/// <summary>
/// Every training setting with its default (the one defaults file). A run saves its resolved settings beside its
/// outputs (model.json "parameters" and the run's settings.json). Params files (<c>--params FILE</c>) are JSON objects
/// with these names in camelCase, e.g. <c>{"learningRate": 0.002, "epochs": 12}</c>.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>classify or detect.</summary>
    public string Task { get; init; } = "classify";

    /// <summary>Architecture: small-cnn, small-cnn-fc, resnet18 (classify); fcos-lite, fcos-resnet18 (detect). Empty = the task's default.</summary>
    public string Architecture { get; init; } = "";

    /// <summary>Channel width multiplier base (small-cnn: first stage channels; resnet18: 64 is the paper's; fcos-lite: FPN channels).</summary>
    public int Width { get; init; }

    /// <summary>fcos-lite: 3x3 ConvBnAct layers in each head tower (classification and regression), shared by the levels.</summary>
    public int HeadConvs { get; init; } = 1;

    /// <summary>Square input size in pixels (images are resized for classification, letterboxed for detection).</summary>
    public int ImageSize { get; init; }

    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 32;

    /// <summary>sgd (momentum, nesterov) or adamw.</summary>
    public string Optimizer { get; init; } = "adamw";

    /// <summary>Peak learning rate after warm-up.</summary>
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>SGD momentum (ignored by adamw).</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Decoupled weight decay (adamw) or L2 (sgd); not applied to batch-norm and bias parameters.</summary>
    public double WeightDecay { get; init; } = 5e-4;

    /// <summary>Linear warm-up length in epochs (fractions allowed), then cosine decay.</summary>
    public double WarmupEpochs { get; init; } = 1;

    /// <summary>The cosine schedule ends at LearningRate * FinalLrFraction.</summary>
    public double FinalLrFraction { get; init; } = 0.01;

    /// <summary>Stop when the validation metric has not improved for this many epochs (0 = never stop early).</summary>
    public int Patience { get; init; }

    /// <summary>Sampling of training images: none (each once per epoch) or balanced (classes drawn equally: minority over-, majority under-sampled).</summary>
    public string Sampling { get; init; } = "none";

    /// <summary>Focal loss gamma; 0 = plain cross-entropy (classification). Detection always uses sigmoid focal loss.</summary>
    public double FocalGamma { get; init; }

    /// <summary>Label smoothing for classification cross-entropy.</summary>
    public double LabelSmoothing { get; init; }

    /// <summary>
    /// Mixup for classification (Zhang et al. 2018; timm's mixup_alpha): each training image is blended with another
    /// image of its batch, weight λ ~ Beta(Mixup, Mixup) per batch, and the loss is the same blend of both labels'
    /// losses. 0 = off. Regularises a network that would memorise a small training set.
    /// </summary>
    public double Mixup { get; init; }

    /// <summary>Probability of a horizontal flip.</summary>
    public double FlipProbability { get; init; } = 0.5;

    /// <summary>Random translation as a fraction of the image size (pad-and-crop for classification, shift for detection).</summary>
    public double Translate { get; init; } = 0.1;

    /// <summary>Random scale jitter: the scale is drawn from [1 - ScaleJitter, 1 + ScaleJitter].</summary>
    public double ScaleJitter { get; init; }

    /// <summary>Random brightness/contrast jitter amplitude (0..1).</summary>
    public double ColorJitter { get; init; }

    /// <summary>Seed of weight initialisation, sampling and augmentation. Same seed + same Threads = same weights.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Intra-op threads of libtorch (fixed for determinism); 0 = number of cores.</summary>
    public int Threads { get; init; }

    /// <summary>cpu or cuda:N.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Batches decoded and augmented ahead of the trainer (also the number of decode workers).</summary>
    public int Prefetch { get; init; } = 2;

    /// <summary>
    /// The batches actually built ahead: none when the run holds one CPU thread (<see cref="Threads"/> 1), so a job
    /// given a single thread by the scheduler uses one core, not one for libtorch plus one per prefetch worker
    /// (the cluster's slots count threads; a second busy core would be taken from another job's slot).
    /// </summary>
    public int PrefetchDepth => Threads == 1 ? 0 : Prefetch;

    /// <summary>Keep decoded (resized) images in memory across epochs when they fit in CacheMegabytes.</summary>
    public int CacheMegabytes { get; init; } = 2048;

    /// <summary>Detection (fcos-lite): centre sampling radius in strides; a location is positive only this close to a box centre.</summary>
    public double CenterRadius { get; init; } = 1.5;

    /// <summary>Detection (fcos-lite): weight of the GIoU box loss beside the focal class loss and the centerness loss.</summary>
    public double BoxLossWeight { get; init; } = 1;

    /// <summary>Detection: minimum score kept by post-processing during evaluation.</summary>
    public double ScoreThreshold { get; init; } = 0.05;

    /// <summary>Detection: IoU of non-maximum suppression.</summary>
    public double NmsIoU { get; init; } = 0.6;

    /// <summary>Evaluate on the validation set every this many epochs (and always at the last).</summary>
    public int EvalEvery { get; init; } = 1;

    /// <summary>Stop after this many training batches per epoch (0 = all); for quick checks.</summary>
    public int MaxBatchesPerEpoch { get; init; }

    /// <summary>Task embed: size of the embedding (default 128).</summary>
    public int EmbeddingDim { get; init; } = 128;

    /// <summary>Task embed: arcface (default), cosface, softmax or triplet.</summary>
    public string MetricLoss { get; init; } = "arcface";

    /// <summary>Task embed: the loss's margin (0 = its default: ArcFace 0.3 rad, CosFace 0.25, triplet 0.2).</summary>
    public double Margin { get; init; }

    /// <summary>Task embed: the scale s of ArcFace and CosFace logits (0 = AdaCos's fixed scale for the number of
    /// identities C, √2·ln(C − 1), at least 4: 7.08 for 150 identities, 9.8 for 1,000, 16 for 85,000).</summary>
    public double MarginScale { get; init; }

    /// <summary>Task embed: identities per batch, P of P x K sampling (K = batch size / P). 0 = the loss's default:
    /// P x K with P = 8 for triplet (it needs positives and negatives in every batch); shuffled batches for the
    /// classification losses (arcface, cosface, softmax), whose class centres learn from many identities per step.</summary>
    public int ClassesPerBatch { get; init; }

    /// <summary>Task embed: the class-centre layer (ArcFace's and CosFace's centres, softmax's classifier) trains at
    /// this many times the learning rate (default 10): with hundreds of identities each centre learns only from the
    /// few steps that hold its images (IdentityBench: validation MAP@R 0.46 at 1, 0.57 at 10).</summary>
    public double CentreLrScale { get; init; } = 10;

    /// <summary>
    /// Pretrained backbone weights by name ("" = none; "imagenet" = the fetched ImageNet ResNet-18; other names:
    /// `seer model import-weights`). resnet18 and fcos-resnet18 then take the ImageNet layout with frozen batch norm.
    /// </summary>
    public string Pretrained { get; init; } = "";

    /// <summary>With pretrained weights: the backbone's learning rate as a fraction of LearningRate.</summary>
    public double BackboneLrScale { get; init; } = 0.1;

    /// <summary>
    /// With pretrained weights: the backbone stays as imported, without gradients, for this many epochs while the new
    /// layers learn, then trains (at <see cref="BackboneLrScale"/>) — linear probing, then fine-tuning (LP-FT, Kumar et
    /// al. 2022). 0 (the default): the backbone trains from the first step.
    /// </summary>
    public int BackboneFreezeEpochs { get; init; }

    /// <summary>With pretrained weights: the backbone's batch norms keep their imported statistics (false: they learn the new data's).</summary>
    public bool FreezeBatchNorm { get; init; } = true;

    /// <summary>With pretrained weights: the stem and the first stage stay as imported, without gradients (false: they train too).</summary>
    public bool FreezeStem { get; init; } = true;

    /// <summary>Wall-time budget in minutes (0 = none): the epochs are planned to fit (see TimeBudget); Epochs is then an upper bound.</summary>
    public double TimeMinutes { get; init; }
}
