using OpenCvSharp;
using Seer.Core.Inference;

namespace Seer.Inference.Processing;

/// <summary>
/// Turns a decoded BGR image into one item of the input tensor: resize (letterbox or stretch) with the interpolation
/// every Seer resize uses (<see cref="Seer.Imaging.Preprocess.Resize.InterpolationFor"/>: area when shrinking, as
/// training and evaluation), colour order / grey conversion, then <c>(pixel − mean) / std</c>, written in NCHW (one
/// vectorised OpenCV convert per channel plane) or NHWC. Every element of the item is written (pooled buffers).
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
            Cv2.Resize(bgr, resized, new Size(rw, rh), 0, 0, Imaging.Preprocess.Resize.InterpolationFor(bgr.Width, bgr.Height, rw, rh));
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
                if (_spec.InputLayout == TensorLayout.Nchw) FillBorder(destination.Slice(ch * inW * inH, inW * inH), inW, inH, padX, padY, rw, rh, padValue);
                else for (int i = ch; i < destination.Length; i += c) destination[i] = padValue;
            }
        }
        if (_spec.InputLayout == TensorLayout.Nchw) WritePlanes(source, destination, padX, padY);
        else WritePixels(source, destination, padX, padY);
        return t;
    }

    /// <summary>Fills one plane outside the image's rectangle (the letterbox border) with the pad value.</summary>
    private static void FillBorder(Span<float> plane, int inW, int inH, int padX, int padY, int w, int h, float value)
    {
        plane[..(padY * inW)].Fill(value);
        plane[((padY + h) * inW)..].Fill(value);
        if (w == inW) return;
        for (int y = padY; y < padY + h; y++)
        {
            plane.Slice(y * inW, padX).Fill(value);
            plane.Slice(y * inW + padX + w, inW - padX - w).Fill(value);
        }
    }

    /// <summary>NCHW: each model channel is one <c>convertTo(a·x + b)</c> into a Mat header over its tensor plane.</summary>
    private unsafe void WritePlanes(Mat source, Span<float> destination, int padX, int padY)
    {
        int inW = _spec.InputWidth, inH = _spec.InputHeight, c = _spec.Channels, plane = inW * inH;
        var roi = new Rect(padX, padY, source.Width, source.Height);
        using var channel = new Mat();
        fixed (float* dst = destination)
        {
            for (int ch = 0; ch < c; ch++)
            {
                using var planeMat = Mat.FromPixelData(inH, inW, MatType.CV_32FC1, (IntPtr)(dst + ch * plane));
                using var target = new Mat(planeMat, roi);
                Mat from = source;
                if (source.Channels() > 1)
                {
                    Cv2.ExtractChannel(source, channel, _sourceChannel[ch]);
                    from = channel;
                }
                from.ConvertTo(target, MatType.CV_32FC1, _a[ch], _b[ch]);
                if (target.Data != (IntPtr)(dst + ch * plane + padY * inW + padX))
                    throw new InvalidOperationException("OpenCV reallocated a tensor plane instead of writing into it");
            }
        }
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
