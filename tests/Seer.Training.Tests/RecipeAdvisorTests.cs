using Seer.Core.Annotations;
using Seer.Core.Datasets;
using Seer.Core.Geometry;
using Seer.Training.Options;

namespace Seer.Training.Tests;

public sealed class RecipeAdvisorTests
{
    private static DatasetSnapshot Boxes(int count, int side, double objectSide, string[] classes)
    {
        var images = Enumerable.Range(0, count).Select(i => new ImageRecord($"h{i}", $"{i}.jpg", side, side)
        {
            IsLabelled = true,
            Objects = [new ObjectAnnotation(classes[i % classes.Length], new BoxXyxy(10, 10, 10 + objectSide, 10 + objectSide))],
        }).ToList();
        return new DatasetSnapshot("d", "1", classes, images, new Seer.Training.Data.InMemoryBlobs());
    }

    [Fact]
    public void Detection_SmallObjectsKeep16Pixels_PretrainedWhenAvailable_EachChoiceHasAReason()
    {
        var data = Boxes(100, 640, 16, ["0", "1", "2"]);
        var (o, choices) = RecipeAdvisor.Resolve(new TrainingOptions { Task = "detect", TimeMinutes = 20 }, new HashSet<string>(), data, pretrainedAvailable: true);
        Assert.Equal("fcos-resnet18", o.Architecture);
        Assert.Equal("imagenet", o.Pretrained);
        Assert.Equal(640, o.ImageSize); // 16 px objects on 640 px images: no shrinking
        Assert.Equal(0, o.FlipProbability); // digits
        Assert.Equal(300, o.Epochs); // the budget plans the epochs
        Assert.Equal(0.1, o.BackboneLrScale); // the detector's pretrained backbone trains at a tenth of the rate
        Assert.All(choices, c => Assert.False(string.IsNullOrWhiteSpace(c.Reason)));
        TrainingOptionsValidator.Validate(TrainingOptionsLoader.WithTaskDefaults(o));

        var big = Boxes(100, 640, 200, ["cat", "dog"]);
        var (o2, _) = RecipeAdvisor.Resolve(new TrainingOptions { Task = "detect" }, new HashSet<string>(), big, pretrainedAvailable: false);
        Assert.Equal("fcos-lite", o2.Architecture);
        Assert.Equal("", o2.Pretrained);
        Assert.Equal(320, o2.ImageSize); // large objects: the image may shrink
        Assert.Equal(0.5, o2.FlipProbability);
    }

    [Fact]
    public void GivenSettingsAreKept_AndImbalanceTurnsOnBalancedSamplingAndFocalLoss()
    {
        var images = new List<ImageRecord>();
        for (int i = 0; i < 1300; i++)
            images.Add(new ImageRecord($"h{i}", $"{i}.png", 28, 28) { IsLabelled = true, Tags = [i < 1200 ? "common" : "rare"] });
        var data = new DatasetSnapshot("c", "1", ["common", "rare"], images, new Seer.Training.Data.InMemoryBlobs());
        var (o, choices) = RecipeAdvisor.Resolve(new TrainingOptions { Task = "classify", ImageSize = 48 }, new HashSet<string> { "imageSize" }, data, pretrainedAvailable: true);
        Assert.Equal(48, o.ImageSize);
        Assert.DoesNotContain(choices, c => c.Setting == "imageSize");
        Assert.Equal("balanced", o.Sampling);
        Assert.Equal(2, o.FocalGamma);
        Assert.Equal("resnet18", o.Architecture);
        Assert.Equal(1.0, o.BackboneLrScale); // the classifier's backbone adapts at the full rate
        Assert.Contains(choices, c => c.Setting == "backboneLrScale");
        Assert.Contains(choices, c => c.Setting == "sampling" && c.Reason.Contains("100", StringComparison.Ordinal));
    }
}
