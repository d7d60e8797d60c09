using Seer.Training.Nn;
using TorchSharp;
using static TorchSharp.torch;

namespace Seer.Training.Tests;

/// <summary>
/// Seer's convolutions run channels-last (Nn/ChannelsLast). On an NCHW input libtorch 2.10's oneDNN computes the input
/// gradient in a blocked layout whose padding channels it leaves uninitialised, so stale NaN in freed memory leaks into
/// gradients whenever a channel count is not a multiple of the ISA's block (8 on AVX2, 16 on AVX-512). Without
/// <see cref="ChannelsLast.Ensure"/> in <see cref="ConvBnAct"/> this test failed in nearly every case on this AVX-512
/// CPU (3 of its 5 cases failed with "input gradient has NaN"; a throw-away grid gave 31–47 of 50 passes NaN for 4
/// channels).
/// </summary>
public sealed class ChannelsLastTests
{
    [Theory]
    [InlineData(4, 4)]
    [InlineData(4, 6)]
    [InlineData(3, 12)]
    [InlineData(12, 24)]
    [InlineData(24, 4)]
    public void ConvBnAct_WithOddChannelCounts_GivesFiniteGradientsOnStaleNaNMemory(int inChannels, int outChannels)
    {
        torch.set_num_threads(1);
        torch.manual_seed(3);
        for (int pass = 0; pass < 40; pass++)
        {
            using var scope = NewDisposeScope();
            // leave NaN in freed memory, so that any read of uninitialised memory shows
            foreach (long size in new long[] { 1_000, 5_000, 20_000, 80_000, 300_000 })
            {
                using Tensor junk = full(size, float.NaN);
            }
            using var layer = new ConvBnAct(inChannels, outChannels, 3, pass % 2 + 1);
            Tensor input = randn(8, inChannels, 24, 24).requires_grad_(true); // NCHW, as a user's tensor may be
            Tensor output = layer.forward(input);
            Assert.Equal(1L, output.stride(1)); // the layer ran channels-last
            output.backward([randn_like(output)]);
            Assert.False(input.grad!.isnan().any().item<bool>(), $"input gradient has NaN (pass {pass})");
            foreach (var (name, p) in layer.named_parameters())
                Assert.False(p.grad!.isnan().any().item<bool>(), $"{name} gradient has NaN (pass {pass})");
        }
    }

    [Fact]
    public void Ensure_KeepsValuesAndShape()
    {
        using var scope = NewDisposeScope();
        Tensor x = arange(2 * 3 * 4 * 5, ScalarType.Float32).reshape(2, 3, 4, 5);
        Tensor y = ChannelsLast.Ensure(x);
        Assert.Equal(x.shape, y.shape);
        Assert.Equal(1L, y.stride(1));
        Assert.True(x.eq(y).all().item<bool>());
        Assert.Same(y, ChannelsLast.Ensure(y)); // already channels-last: no copy
    }
}
