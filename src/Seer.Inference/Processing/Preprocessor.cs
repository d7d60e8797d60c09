using OpenCvSharp;
using Seer.Core.Inference;

namespace Seer.Inference.Processing;

/// <summary>
/// Turns a decoded BGR image into one item of the input tensor: resize (letterbox or stretch) with bilinear
/// interpolation, colour order / grey conversion, then <c>(pixel − mean) / std</c>, written in NCHW or NHWC.
/// </summary>
internal sealed class Preprocessor
{
    private readonly InferenceSpec _spec;
    private readonly float[] _a;
    private readonly float[] _b;
    private readonly int[] _sourceChannel; // for each model channel, which BGR byte to read

    public Preprocessor(InferenceSpec spec)
    {
        _spec = spec;
        int c = spec.Channels;
        _a = new float[c];
        _b = new float[c];
        for (int i = 0; i < c; i++)
        {
            _a[i] = 1f / spec.Std[i];
            _b[i] = -spec.Mean[i] / spec.Std[i];
        }
        _sourceChannel = c == 1 ? [0] : spec.ChannelOrder == "rgb" ? [2, 1, 0] : [0, 1, 2];
    }

    public int ItemLength => _spec.Channels * _spec.InputWidth * _spec.InputHeight;

    /// <summary>Writes one image into <paramref name="destination"/> (length <see cref="ItemLength"/>).</summary>
    public ImageTransform Fill(Mat bgr, int originalWidth, int originalHeight, Span<float> destination)
    {
        int inW = _spec.InputWidth, inH = _spec.InputHeight, c = _spec.Channels;
        ImageTransform t;
        int rw, rh;
        if (_spec.Resize == ResizeMode.Letterbox)
        {
            t = ImageTransform.Letterbox(originalWidth, originalHeight, inW, inH, out rw, out rh);
        }
        else
        {
            rw = inW;
            rh = inH;
            t = new ImageTransform((double)inW / originalWidth, (double)inH / originalHeight, 0, 0, originalWidth, originalHeight);
        }
        using var resized = new Mat();
        Mat source = bgr;
        if (bgr.Width != rw || bgr.Height != rh)
        {
            Cv2.Resize(bgr, resized, new Size(rw, rh), 0, 0, InterpolationFlags.Linear);
            source = resized;
        }
        using var grey = new Mat();
        if (c == 1)
        {
            Cv2.CvtColor(source, grey, ColorConversionCodes.BGR2GRAY);
            source = grey;
        }
        int padX = (int)t.PadX, padY = (int)t.PadY;
        if (rw != inW || rh != inH)
        {
            for (int ch = 0; ch < c; ch++)
            {
                float padValue = _spec.PadValue * _a[ch] + _b[ch];
                if (_spec.InputLayout == TensorLayout.Nchw) destination.Slice(ch * inW * inH, inW * inH).Fill(padValue);
                else for (int i = ch; i < destination.Length; i += c) destination[i] = padValue;
            }
        }
        WritePixels(source, destination, padX, padY);
        return t;
    }

    private unsafe void WritePixels(Mat source, Span<float> destination, int padX, int padY)
    {
        int inW = _spec.InputWidth, inH = _spec.InputHeight, c = _spec.Channels;
        int w = source.Width, h = source.Height, srcChannels = source.Channels();
        bool nchw = _spec.InputLayout == TensorLayout.Nchw;
        int plane = inW * inH;
        fixed (float* dst = destination)
        {
            for (int y = 0; y < h; y++)
            {
                byte* row = (byte*)source.Ptr(y).ToPointer();
                int outRow = (y + padY) * inW + padX;
                if (nchw)
                {
                    for (int ch = 0; ch < c; ch++)
                    {
                        float a = _a[ch], b = _b[ch];
                        int sc = _sourceChannel[ch];
                        float* o = dst + ch * plane + outRow;
                        byte* s = row + sc;
                        for (int x = 0; x < w; x++, s += srcChannels) o[x] = *s * a + b;
                    }
                }
                else
                {
                    float* o = dst + outRow * c;
                    for (int x = 0; x < w; x++)
                    {
                        byte* s = row + x * srcChannels;
                        for (int ch = 0; ch < c; ch++) o[x * c + ch] = s[_sourceChannel[ch]] * _a[ch] + _b[ch];
                    }
                }
            }
        }
    }
}
