using System.Globalization;
using Seer.Core.Datasets;

namespace Seer.Training.Options;

/// <summary>One setting the advisor chose: the camelCase setting name, the value and why.</summary>
public sealed record RecipeChoice(string Setting, string Value, string Reason)
{
    public override string ToString() => $"{Setting} = {Value}: {Reason}";
}

/// <summary>
/// Defaults that fit the data: for every setting the user did not give (flag or params-file key), picks a value from
/// the training set's statistics and says why, one <see cref="RecipeChoice"/> each. Rules (tuned on generated sets
/// only, see docs/training.md):
/// <list type="bullet">
/// <item>Architecture and weights: the ResNet-18 family with the ImageNet backbone when it is available (fetched) and the
/// set is small (≤ 20,000 images) — transfer beats from-scratch training on small sets; otherwise the from-scratch
/// defaults (small-cnn-fc for small images, small-cnn above 64 px; fcos-lite).</item>
/// <item>Input size: classification, the median image side (at least 64 px for the pretrained stem's stride 32);
/// detection, the smallest objects (5th percentile of the longer box side) must keep at least 16 px, two cells of the
/// first FPN level (stride 8), so the side is the median image side × 16 / that size, a multiple of 32, never above the
/// median side unless the objects need it, within 128..640.</item>
/// <item>Batch size, learning rate, warm-up, augmentation: per family (pretrained: AdamW 1e-3, the detector's backbone at 0.1×, the classifier's at 1×;
/// mirror flips off when every class name is a digit or a single character, whose mirror image is another glyph).</item>
/// <item>Imbalance: a class under 150 images among unequal classes (largest/smallest &gt; 1.5) turns on balanced
/// sampling; largest/smallest over 10 turns on focal loss (classification; detection always uses it).</item>
/// <item>With a time budget the epoch count becomes an upper bound (300) that the budget re-plans.</item>
/// </list>
/// </summary>
public static class RecipeAdvisor
{
    public const int PretrainedMaxImages = 20_000;

    public static (TrainingOptions Options, List<RecipeChoice> Choices) Resolve(TrainingOptions given, IReadOnlySet<string> explicitSettings,
        DatasetSnapshot train, bool pretrainedAvailable)
    {
        ArgumentNullException.ThrowIfNull(given);
        ArgumentNullException.ThrowIfNull(explicitSettings);
        ArgumentNullException.ThrowIfNull(train);
        var choices = new List<RecipeChoice>();
        TrainingOptions o = given;
        if (given.Task is not ("classify" or "detect")) return (o, choices); // other tasks keep their own defaults
        bool Free(string key) => !explicitSettings.Contains(key);
        void Pick(string key, object value, string reason, Func<TrainingOptions, TrainingOptions> apply)
        {
            if (!Free(key)) return;
            o = apply(o);
            choices.Add(new RecipeChoice(key, Convert.ToString(value, CultureInfo.InvariantCulture) ?? "", reason));
        }

        var labelled = train.Images.Where(i => i.IsLabelled).ToList();
        int n = labelled.Count;
        int medianSide = n == 0 ? 64 : Median(labelled.Select(i => Math.Max(i.Width, i.Height)));
        bool detect = o.Task == "detect";
        var counts = detect
            ? labelled.SelectMany(i => i.Objects.Select(b => b.Label).Distinct()).GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count())
            : labelled.Select(i => i.Tags.FirstOrDefault(t => train.Classes.Contains(t))).Where(t => t is not null).GroupBy(t => t!).ToDictionary(g => g.Key, g => g.Count());
        int minCount = train.Classes.Select(c => counts.GetValueOrDefault(c)).DefaultIfEmpty(0).Min();
        int maxCount = counts.Values.DefaultIfEmpty(0).Max();
        double imbalance = maxCount / (double)Math.Max(1, minCount);

        bool pretrained = given.Pretrained.Length > 0;
        string family = given.Architecture;
        if (Free("architecture") && family.Length == 0)
        {
            // the ImageNet weights are a 64-channel ResNet-18: a width the user set to something else rules them out
            bool widthFits = Free("width") || given.Width is 0 or 64;
            bool transfer = pretrainedAvailable && n <= PretrainedMaxImages && (Free("pretrained") || pretrained) && widthFits;
            family = detect ? (transfer ? "fcos-resnet18" : "fcos-lite")
                : transfer ? "resnet18" : medianSide <= 64 ? "small-cnn-fc" : "small-cnn";
            string why = transfer ? $"{n} training images (≤ {PretrainedMaxImages}): an ImageNet-pretrained ResNet-18 backbone transfers"
                : !Free("pretrained") && !pretrained ? "from scratch as asked (--pretrained none)"
                : !pretrainedAvailable ? "no pretrained weights fetched (scripts/fetch-data.sh pretrained); trained from scratch"
                : $"{n} training images: enough to train from scratch, faster per epoch";
            Pick("architecture", family, why, x => x with { Architecture = family });
        }
        if (family.Length == 0) family = detect ? "fcos-lite" : "small-cnn";
        if (Free("pretrained") && !pretrained && family is "resnet18" or "fcos-resnet18" && pretrainedAvailable && n <= PretrainedMaxImages
            && (Free("width") || given.Width is 0 or 64))
        {
            pretrained = true;
            Pick("pretrained", "imagenet", "ImageNet ResNet-18 weights (frozen batch-norm statistics, backbone at 0.1× the learning rate)", x => x with { Pretrained = "imagenet" });
        }

        // input size
        if (detect)
        {
            // an object's size is its longer side (a "1" is tall and thin: its short side says nothing about its scale)
            var sides = labelled.SelectMany(i => i.Objects.Select(b => Math.Max(b.Box.Width, b.Box.Height))).Where(s => s > 0).OrderBy(s => s).ToList();
            double small = sides.Count == 0 ? 32 : sides[(int)(0.05 * (sides.Count - 1))];
            int need = RoundUp32(medianSide * 16.0 / Math.Max(1, small));
            int size = Math.Clamp(Math.Max(need, Math.Min(RoundUp32(medianSide), 320)), 128, 640);
            Pick("imageSize", size, $"median image side {medianSide} px, smallest objects (5th percentile) {small:0} px: they keep ≥ 16 px (two cells of the stride-8 FPN level) at {size}", x => x with { ImageSize = size });
        }
        else
        {
            int size = pretrained ? Math.Clamp(RoundUp32(medianSide), 64, 224) : Math.Clamp(medianSide, 16, 128);
            Pick("imageSize", size, pretrained ? $"median image side {medianSide} px; at least 64 for the pretrained stem (stride 32 to the last stage)"
                : $"median image side {medianSide} px (no resampling loss)", x => x with { ImageSize = size });
        }

        // width, head, batch, learning rate, warm-up
        switch (family)
        {
            case "fcos-resnet18":
                Pick("width", 96, "FPN and head channels: 96 keeps the head cheap beside the 512-channel backbone on a CPU", x => x with { Width = 96 });
                Pick("headConvs", 2, "two 3x3 layers per head tower", x => x with { HeadConvs = 2 });
                Pick("batchSize", 16, "16 images of the detector's input size per step", x => x with { BatchSize = 16 });
                Pick("learningRate", 1e-3, "AdamW 1e-3 for the new FPN and head; the pretrained backbone runs at backboneLrScale 0.1×", x => x with { LearningRate = 1e-3 });
                break;
            case "fcos-lite":
                Pick("width", 32, "from-scratch FCOS: 32 FPN channels (the composite-set recipe)", x => x with { Width = 32 });
                Pick("headConvs", 2, "two 3x3 layers per head tower", x => x with { HeadConvs = 2 });
                Pick("batchSize", 32, "32 images per step", x => x with { BatchSize = 32 });
                Pick("learningRate", 4e-3, "AdamW 4e-3 from scratch (the composite-set recipe)", x => x with { LearningRate = 4e-3 });
                break;
            case "resnet18":
                Pick("batchSize", 32, "32 images per step", x => x with { BatchSize = 32 });
                Pick("learningRate", pretrained ? 1e-3 : 2e-3, pretrained ? "AdamW 1e-3 for the classifier and the backbone" : "AdamW 2e-3 from scratch", x => x with { LearningRate = pretrained ? 1e-3 : 2e-3 });
                // A classifier's images can be far from ImageNet's (28 px grey clothes): the backbone adapts at the full
                // rate. On 1,000 Fashion-MNIST images (--time 5) validation top-1 0.894 against 0.871 at 0.1x
                // (docs/training.md); the detector keeps 0.1x, which its digit set confirmed.
                if (pretrained)
                    Pick("backboneLrScale", 1.0, "the pretrained backbone trains at the full learning rate (images unlike ImageNet's adapt better)", x => x with { BackboneLrScale = 1.0 });
                break;
            case "small-cnn-fc":
                Pick("width", 16, "16 channels in the first stage: the Fashion-MNIST-sized recipe (≥ 92% from scratch)", x => x with { Width = 16 });
                Pick("batchSize", n >= 10_000 ? 256 : 32, n >= 10_000 ? "large set: 256 images per step (fewer, larger libtorch calls)" : "32 images per step", x => x with { BatchSize = n >= 10_000 ? 256 : 32 });
                Pick("learningRate", n >= 10_000 ? 4e-3 : 2e-3, "AdamW, scaled with the batch", x => x with { LearningRate = n >= 10_000 ? 4e-3 : 2e-3 });
                Pick("labelSmoothing", 0.1, "label smoothing 0.1 against over-confident small networks", x => x with { LabelSmoothing = 0.1 });
                break;
        }
        bool glyphs = train.Classes.Count > 0 && train.Classes.All(c => c.Length == 1 || c.All(char.IsDigit));
        double flip = glyphs ? 0 : 0.5;
        Pick("flipProbability", flip, glyphs ? "every class name is a digit or one character: a mirrored glyph is another glyph" : "mirror images keep their class", x => x with { FlipProbability = flip });
        if (detect)
        {
            Pick("scaleJitter", 0.25, "objects vary in size: scale jitter ±25%", x => x with { ScaleJitter = 0.25 });
            Pick("colorJitter", 0.2, "brightness/contrast jitter 0.2", x => x with { ColorJitter = 0.2 });
        }
        else
        {
            double translate = medianSide <= 32 ? 0.07 : 0.1;
            Pick("translate", translate, $"random shifts of {translate:0.##} of the side", x => x with { Translate = translate });
        }

        // imbalance
        if (minCount < 150 && imbalance > 1.5)
            Pick("sampling", "balanced", $"the rarest class has {minCount} {(detect ? "images with objects" : "images")} (< 150) and the largest {maxCount}: classes drawn equally", x => x with { Sampling = "balanced" });
        if (!detect && imbalance > 10)
            Pick("focalGamma", 2.0, $"imbalance {imbalance:0.#}x (> 10x): focal loss (γ 2)", x => x with { FocalGamma = 2 });

        if (o.TimeMinutes > 0 && Free("epochs"))
        {
            Pick("epochs", 300, $"time budget {o.TimeMinutes:0.##} min: the epochs are planned from the measured epoch time (300 is only the upper bound)", x => x with { Epochs = 300 });
            Pick("warmupEpochs", 1, "warm-up up to 1 epoch (at most a fifth of the planned epochs), then cosine decay to the budget's end", x => x with { WarmupEpochs = 1 });
        }
        return (o, choices);
    }

    private static int RoundUp32(double v) => (int)Math.Ceiling(v / 32.0) * 32;

    private static int Median(IEnumerable<int> values)
    {
        var list = values.OrderBy(v => v).ToList();
        return list.Count == 0 ? 0 : list[list.Count / 2];
    }
}
