using OpenCvSharp;
using Seer.Core.Geometry;
using Seer.Core.Inference;
using Seer.Training.Onnx;
using Seer.Video.Mot;

namespace Seer.Video.Tests;

/// <summary>
/// Test material with known answers: a video made of real frames (vtest.avi's pedestrians, or a plain background) with
/// square "marker" sprites (magenta with black and white stripes, 96 px) moving over them on known paths, and an ONNX
/// detector built with Seer's ONNX writer that finds exactly such markers: magenta-ness per pixel (a 1×1 convolution +
/// sigmoid), its mean over a 40×40 window every 4 input pixels (an average pool: highest where the window sits on a
/// marker), boxes of the marker's size around every window centre (BoxesScores layout). It runs through Seer's
/// Predictor like any imported detector (letterbox 320, RGB/255, NMS).
/// </summary>
internal static class MarkerVideo
{
    public const int Side = 96;           // marker side in 768-px-wide frames (40 px in the 320-px input)
    private const int InputSize = 320, Window = 40, Stride = 4;

    public static string WriteDetector(string dir)
    {
        var g = new OnnxGraphBuilder("marker-detector");
        string x = g.AddInput("images", OnnxElementType.Float, [null, 3, InputSize, InputSize]);
        // RGB in [0,1]: magenta-ness = R + B − 2G − 1.5, sharpened ×10 before the sigmoid.
        string w = g.AddInitializer("mask_w", [10f, -20f, 10f], 1, 3, 1, 1);
        string b = g.AddInitializer("mask_b", [-15f], 1);
        string mask = g.Sigmoid(g.Conv(x, w, b, 1, 1));
        string pooled = g.AveragePool(mask, Window, Stride, pad: Window / 2);            // [N,1,81,81]
        int grid = (InputSize + Window - Window) / Stride + 1;
        string scores = g.Reshape(pooled, -1, grid * grid, 1);
        var boxes = new float[grid * grid * 4];
        for (int i = 0; i < grid; i++)
            for (int j = 0; j < grid; j++)
            {
                int k = (i * grid + j) * 4;
                boxes[k] = j * Stride - Window / 2f; boxes[k + 1] = i * Stride - Window / 2f;
                boxes[k + 2] = j * Stride + Window / 2f; boxes[k + 3] = i * Stride + Window / 2f;
            }
        string zero = g.Mul(scores, g.Scalar("zero", 0f));                                  // [N,G,1]
        string boxOut = g.Add(zero, g.AddInitializer("grid_boxes", boxes, 1, grid * grid, 4));
        g.AddOutput(boxOut, "boxes", OnnxElementType.Float, [null, grid * grid, 4]);
        g.AddOutput(scores, "scores", OnnxElementType.Float, [null, grid * grid, 1]);
        var spec = new InferenceSpec
        {
            Task = "detect", ClassNames = ["marker"], InputWidth = InputSize, InputHeight = InputSize,
            OutputLayout = OutputLayout.BoxesScores, OutputNames = ["boxes", "scores"],
        };
        string path = Path.Combine(dir, "marker.onnx");
        OnnxModelWriter.Write(g, path, spec.ToProperties());
        return path;
    }

    /// <summary>A marker's path: centre per frame (null = hidden that frame).</summary>
    public sealed record MarkerPath(int Id, Func<int, (double X, double Y)?> Centre);

    /// <summary>
    /// Writes an MJPG .avi of <paramref name="frames"/> frames at <paramref name="fps"/>: backgrounds from
    /// <paramref name="background"/> (a video read with OpenCV) or flat grey, markers drawn on their paths.
    /// Returns the ground truth in MOTChallenge rows (frames from 1).
    /// </summary>
    public static List<MotRow> WriteVideo(string path, string? background, int frames, double fps, IReadOnlyList<MarkerPath> markers,
        int width = 768, int height = 576)
    {
        var gt = new List<MotRow>();
        using var capture = background is null ? null : new VideoCapture(background);
        using var writer = new VideoWriter(path, FourCC.MJPG, fps, new Size(width, height));
        if (!writer.IsOpened()) throw new InvalidOperationException("VideoWriter could not open " + path);
        using var frame = new Mat();
        for (int f = 0; f < frames; f++)
        {
            if (capture is not null && capture.Read(frame) && !frame.Empty())
            {
                if (frame.Width != width || frame.Height != height) Cv2.Resize(frame, frame, new Size(width, height));
            }
            else
            {
                frame.Create(height, width, MatType.CV_8UC3);
                frame.SetTo(new Scalar(90, 100, 110));
            }
            foreach (var m in markers)
            {
                if (m.Centre(f) is not { } c) continue;
                var box = new BoxXyxy(c.X - Side / 2.0, c.Y - Side / 2.0, c.X + Side / 2.0, c.Y + Side / 2.0);
                Draw(frame, box);
                gt.Add(new MotRow(f + 1, m.Id, box, 1));
            }
            writer.Write(frame);
        }
        return gt;
    }

    private static void Draw(Mat frame, BoxXyxy box)
    {
        var r = new Rect((int)Math.Round(box.X1), (int)Math.Round(box.Y1), Side, Side);
        Cv2.Rectangle(frame, r, new Scalar(255, 0, 255), -1);                  // BGR magenta
        for (int k = 0; k < 3; k++)                                               // stripes: texture for the sharpness term
        {
            int y = r.Y + Side / 2 - 12 + k * 8;
            Cv2.Rectangle(frame, new Rect(r.X + Side / 4, y, Side / 2, 3), k % 2 == 0 ? Scalar.Black : Scalar.White, -1);
        }
    }
}
