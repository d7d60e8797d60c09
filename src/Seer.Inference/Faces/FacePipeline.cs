using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;
using Seer.Core.Errors;
using Seer.Core.Geometry;
using Seer.Core.Inference;
using Seer.Inference.Models;
using Seer.Inference.Processing;

namespace Seer.Inference.Faces;

/// <summary>
/// The face pipeline of a <see cref="FaceBundle"/>: detect (with keypoints for BlazeFace) → 68 landmarks on each box
/// when the bundle has a landmark model → five points → similarity alignment to 112×112 (<see cref="FaceAlignment"/>)
/// → quality (<see cref="FaceQualityScorer"/>) → embedding (L2-normalised) when the bundle has an embedding model.
/// The ONNX parts run through the same <see cref="Predictor"/> and preprocessing as every other model. Thread-safe.
/// </summary>
public sealed class FacePipeline : IDisposable
{
    private readonly OnnxModel? _ultraModel;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<float, Predictor> _ultra = new();
    private readonly InferenceSession? _blaze;
    private readonly Preprocessor? _blazePre;
    private readonly string _blazeInput = "";
    private readonly string[] _blazeOutputs = [];
    private readonly int _blazeSize;
    private readonly OnnxModel? _landmarkModel;
    private readonly Predictor? _landmarks;
    private readonly OnnxModel? _embeddingModel;
    private readonly Predictor? _embedding;

    public FaceBundle Bundle { get; }
    /// <summary>The embedding's length, null when the bundle has no embedding model.</summary>
    public int? EmbeddingDimension { get; }

    private FacePipeline(FaceBundle bundle, int threads)
    {
        Bundle = bundle;
        try
        {
            if (bundle.DetectorFormat == "ultraface")
            {
                var (w, h) = InputSize(bundle.Detector, nchw: true);
                _ultraModel = OnnxModel.Load(bundle.Detector, new InferenceSpec
                {
                    Task = "detect", ClassNames = ["face"], InputWidth = w, InputHeight = h, InputLayout = TensorLayout.Nchw,
                    ChannelOrder = "rgb", Mean = [127f, 127f, 127f], Std = [128f, 128f, 128f], Resize = ResizeMode.Stretch,
                    OutputLayout = OutputLayout.BoxesScores, OutputNames = ["boxes", "scores"], BoxFormat = "xyxy",
                    BoxesNormalized = true, BackgroundColumn = 0,
                }, bundle.Path, threads);
            }
            else
            {
                var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
                if (threads > 0) options.IntraOpNumThreads = threads;
                using (options) _blaze = new InferenceSession(bundle.Detector, options);
                _blazeInput = _blaze.InputMetadata.Keys.First();
                int[] d = _blaze.InputMetadata[_blazeInput].Dimensions;
                var outs = _blaze.OutputMetadata;
                if (d.Length != 4 || d[3] != 3 || d[1] != d[2] || d[1] <= 0 || outs.Count != 4)
                    throw new SeerException(ErrorCodes.InvalidInput,
                        $"face bundle '{bundle.Path}': detector '{bundle.Detector}' is not a BlazeFace graph (input NHWC [1,S,S,3] and 4 outputs; it has input {GraphCheck.Shape(d)} and {outs.Count} outputs)", bundle.Path);
                _blazeSize = d[1];
                // Outputs: scores of the 2-anchor 16×16 head, of the 6-anchor 8×8 head, then their boxes + keypoints.
                _blazeOutputs = outs.OrderBy(o => o.Value.Dimensions[2]).ThenByDescending(o => o.Value.Dimensions[1]).Select(o => o.Key).ToArray();
                _blazePre = new Preprocessor(new InferenceSpec
                {
                    InputWidth = _blazeSize, InputHeight = _blazeSize, InputLayout = TensorLayout.Nhwc, ChannelOrder = "rgb",
                    Mean = [127.5f, 127.5f, 127.5f], Std = [127.5f, 127.5f, 127.5f], Resize = ResizeMode.Letterbox, PadValue = 0,
                });
            }
            if (bundle.Landmarks is { } lm)
            {
                var (w, h) = InputSize(lm, nchw: true);
                _landmarkModel = OnnxModel.Load(lm, new InferenceSpec
                {
                    Task = "embed", InputWidth = w, InputHeight = h, Channels = 1, Mean = [0f], Std = [256f],
                    Resize = ResizeMode.Stretch, OutputLayout = OutputLayout.Embedding,
                }, bundle.Path, threads);
                _landmarks = new Predictor(_landmarkModel, new PredictorOptions { ReducedJpegDecode = false });
            }
            if (bundle.Embedding is { } em)
            {
                float m = bundle.EmbeddingMean, s = bundle.EmbeddingStd;
                _embeddingModel = OnnxModel.Load(em, new InferenceSpec
                {
                    Task = "embed", InputWidth = FaceAlignment.Size, InputHeight = FaceAlignment.Size, ChannelOrder = "rgb",
                    Mean = [m, m, m], Std = [s, s, s], Resize = ResizeMode.Stretch, OutputLayout = OutputLayout.Embedding,
                    VerificationThresholds = bundle.VerificationThresholds,
                }, bundle.Path, threads);
                _embedding = new Predictor(_embeddingModel, new PredictorOptions { ReducedJpegDecode = false });
                int dim = _embeddingModel.Session.OutputMetadata[_embeddingModel.OutputNames[0]].Dimensions[1];
                EmbeddingDimension = dim > 0 ? dim : null;
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Opens the bundle at <paramref name="bundlePath"/> (see <see cref="FaceBundle"/>).</summary>
    public static FacePipeline Open(string bundlePath, int intraOpThreads = 0) => new(FaceBundle.Read(bundlePath), intraOpThreads);

    private static (int Width, int Height) InputSize(string model, bool nchw)
    {
        try
        {
            using var probe = new InferenceSession(model);
            int[] d = probe.InputMetadata.Values.First().Dimensions;
            if (d.Length != 4 || d[2] <= 0 || d[3] <= 0)
                throw new SeerException(ErrorCodes.InvalidInput, $"model '{model}': input {GraphCheck.Shape(d)} is not a fixed-size image input", model);
            return nchw ? (d[3], d[2]) : (d[2], d[1]);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new SeerException(ErrorCodes.InvalidInput, $"'{model}' is not a loadable ONNX model: {ex.Message}", model, ex);
        }
    }

    /// <summary>Faces of an encoded image (decoded at full size), best detector score first.</summary>
    public IReadOnlyList<Face> Detect(EncodedImage image, FaceOptions? options = null)
    {
        using var bgr = ImageDecoder.Decode(image, 1, 1, allowReduced: false).Image;
        return Detect(bgr, image.Name, options);
    }

    /// <summary>Faces of a decoded BGR image (the caller keeps it), best detector score first.</summary>
    public IReadOnlyList<Face> Detect(Mat bgr, string name, FaceOptions? options = null)
    {
        options ??= new FaceOptions();
        float threshold = options.ScoreThreshold ?? Bundle.ScoreThreshold;
        if (threshold is < 0 or > 1) throw new SeerException(ErrorCodes.InvalidOptions, $"face score threshold {threshold} is outside 0..1");
        var candidates = _ultraModel is not null ? DetectUltra(bgr, name, threshold) : DetectBlaze(bgr, threshold);
        var faces = new List<Face>(candidates.Count);
        foreach (var (box, score, keypoints) in candidates)
        {
            if (Math.Min(box.Width, box.Height) < Math.Max(2, options.MinFaceSize)) continue;
            IReadOnlyList<FacePoint>? all68 = null;
            IReadOnlyList<FacePoint> five;
            if (_landmarks is not null)
            {
                all68 = Landmarks68(bgr, box, name);
                five = FiveFrom68(all68);
            }
            else five = keypoints ?? throw new InvalidOperationException("a detector without keypoints needs a landmark model");
            var (aligned, transform) = FaceAlignment.Align(bgr, five);
            using (aligned)
            {
                var quality = FaceQualityScorer.Score(Math.Min(box.Width, box.Height), five, aligned);
                float[]? embedding = options.IncludeEmbedding && _embedding is not null
                    ? Normalize(_embedding.PredictDecoded([aligned], [name])[0].Embedding!) : null;
                faces.Add(new Face(box, score, five, quality)
                {
                    Landmarks68 = all68,
                    Embedding = embedding,
                    AlignedJpeg = options.IncludeAligned ? aligned.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, 95)) : null,
                    Alignment = transform,
                });
            }
        }
        return faces;
    }

    /// <summary>
    /// The L2-normalised embedding of the face whose five points (<see cref="Face.Landmarks"/>) are given, in
    /// <paramref name="bgr"/>: aligned to 112×112 as <see cref="Detect(Mat, string, FaceOptions?)"/> aligns, then the
    /// bundle's embedding model; null when the bundle has no embedding model. Video snapshots embed only their best shot.
    /// </summary>
    public float[]? Embed(Mat bgr, IReadOnlyList<FacePoint> fivePoints, string name)
    {
        if (_embedding is null) return null;
        var (aligned, _) = FaceAlignment.Align(bgr, fivePoints);
        using (aligned) return Normalize(_embedding.PredictDecoded([aligned], [name])[0].Embedding!);
    }

    private List<(BoxXyxy Box, float Score, IReadOnlyList<FacePoint>? Keypoints)> DetectUltra(Mat bgr, string name, float threshold)
    {
        var predictor = _ultra.GetOrAdd(threshold, t => new Predictor(_ultraModel!, new PredictorOptions
        {
            ScoreThreshold = t, IouThreshold = Bundle.IouThreshold, ReducedJpegDecode = false,
        }));
        return predictor.PredictDecoded([bgr], [name])[0].Detections
            .Select(d => (d.Box, d.Score, (IReadOnlyList<FacePoint>?)null)).ToList();
    }

    /// <summary>
    /// BlazeFace: letterbox to S×S, run, sigmoid scores; each anchor's box (centre offset, size) and six keypoints
    /// (image-left eye, image-right eye, nose tip, mouth centre, two ear tragions) are offsets in input pixels from the
    /// anchor's cell centre (16×16 cells × 2 anchors, then 8×8 × 6); greedy NMS; back to image pixels. The mouth
    /// corners, which BlazeFace does not give, are placed on the eye line's direction either side of the mouth centre
    /// at the template's mouth width / eye distance ratio.
    /// </summary>
    private List<(BoxXyxy Box, float Score, IReadOnlyList<FacePoint>? Keypoints)> DetectBlaze(Mat bgr, float threshold)
    {
        int s = _blazeSize;
        var tensor = new float[s * s * 3];
        var t = _blazePre!.Fill(bgr, bgr.Width, bgr.Height, tensor);
        using var input = OrtValue.CreateTensorValueFromMemory(tensor, [1, s, s, 3]);
        using var runOptions = new RunOptions();
        using var outputs = _blaze!.Run(runOptions, [_blazeInput], [input], _blazeOutputs);
        var found = new List<(BoxXyxy Box, float Score, FacePoint[] Points)>();
        // _blazeOutputs: [scores 16×16×2, scores 8×8×6, boxes 16×16×2, boxes 8×8×6] (sorted by last dim, then anchors desc)
        (int Cells, int Anchors)[] heads = [(16, 2), (8, 6)];
        for (int head = 0; head < 2; head++)
        {
            var scores = outputs[head].GetTensorDataAsSpan<float>();
            var boxes = outputs[head + 2].GetTensorDataAsSpan<float>();
            var (cells, anchors) = heads[head];
            if (scores.Length != cells * cells * anchors || boxes.Length != scores.Length * 16)
                throw new SeerException(ErrorCodes.InvalidInput, $"BlazeFace detector '{Bundle.Detector}': unexpected output sizes {scores.Length}, {boxes.Length}", Bundle.Detector);
            for (int i = 0; i < scores.Length; i++)
            {
                float score = 1f / (1f + MathF.Exp(-scores[i]));
                if (score < threshold) continue;
                int cell = i / anchors;
                double ax = (cell % cells + 0.5) / cells * s, ay = (cell / cells + 0.5) / cells * s;
                var b = boxes.Slice(i * 16, 16);
                double cx = ax + b[0], cy = ay + b[1], w = b[2], h = b[3];
                FacePoint Back(double x, double y) => new((x - t.PadX) / t.ScaleX, (y - t.PadY) / t.ScaleY);
                var tl = Back(cx - w / 2, cy - h / 2);
                var br = Back(cx + w / 2, cy + h / 2);
                var kp = new FacePoint[6];
                for (int k = 0; k < 6; k++) kp[k] = Back(ax + b[4 + 2 * k], ay + b[5 + 2 * k]);
                found.Add((new BoxXyxy(tl.X, tl.Y, br.X, br.Y).Clip(bgr.Width, bgr.Height), score, kp));
            }
        }
        var kept = new List<(BoxXyxy Box, float Score, IReadOnlyList<FacePoint>? Keypoints)>();
        foreach (var f in found.OrderByDescending(f => f.Score))
        {
            if (f.Box.IsDegenerate || kept.Any(k => BoxXyxy.IoU(k.Box, f.Box) > Bundle.IouThreshold)) continue;
            var (le, re, nose, mouth) = (f.Points[0], f.Points[1], f.Points[2], f.Points[3]);
            if (le.X > re.X) (le, re) = (re, le);
            var tpl = FaceAlignment.Template;
            double half = 0.5 * (tpl[4].X - tpl[3].X) / (tpl[1].X - tpl[0].X);
            double ex = (re.X - le.X) * half, ey = (re.Y - le.Y) * half;
            kept.Add((f.Box, f.Score, [le, re, nose, new FacePoint(mouth.X - ex, mouth.Y - ey), new FacePoint(mouth.X + ex, mouth.Y + ey)]));
        }
        return kept;
    }

    /// <summary>
    /// The landmark model on the face box (kept inside the image, as the model's own code crops it): 68 points,
    /// predicted relative to the crop, back in image pixels.
    /// </summary>
    private IReadOnlyList<FacePoint> Landmarks68(Mat bgr, BoxXyxy box, string name)
    {
        double w = Math.Min(box.Width, bgr.Width - 1), h = Math.Min(box.Height, bgr.Height - 1);
        double x1 = Math.Clamp(box.X1, 0, bgr.Width - 1 - w), y1 = Math.Clamp(box.Y1, 0, bgr.Height - 1 - h);
        var rect = new Rect((int)x1, (int)y1, Math.Max(1, (int)w), Math.Max(1, (int)h));
        using var crop = new Mat(bgr, rect);
        var v = _landmarks!.PredictDecoded([crop], [name])[0].Embedding!;
        if (v.Length != 136)
            throw new SeerException(ErrorCodes.InvalidInput, $"landmark model '{Bundle.Landmarks}' gives {v.Length} values, a 68-point model gives 136", Bundle.Landmarks);
        var points = new FacePoint[68];
        for (int i = 0; i < 68; i++) points[i] = new FacePoint(rect.X + v[2 * i] * rect.Width, rect.Y + v[2 * i + 1] * rect.Height);
        return points;
    }

    /// <summary>iBUG 68 → ArcFace's five: eye centres (the four lid points of each eye), nose tip (30), mouth corners (outer + inner lip corner).</summary>
    public static FacePoint[] FiveFrom68(IReadOnlyList<FacePoint> p)
    {
        static FacePoint Mean(params FacePoint[] q) => new(q.Average(x => x.X), q.Average(x => x.Y));
        return
        [
            Mean(p[37], p[38], p[40], p[41]), Mean(p[43], p[44], p[46], p[47]), p[30], Mean(p[48], p[60]), Mean(p[54], p[64]),
        ];
    }

    private static float[] Normalize(float[] v)
    {
        double n = Math.Sqrt(v.Sum(x => (double)x * x));
        return n > 0 ? v.Select(x => (float)(x / n)).ToArray() : v;
    }

    public void Dispose()
    {
        _ultraModel?.Dispose();
        _blaze?.Dispose();
        _landmarkModel?.Dispose();
        _embeddingModel?.Dispose();
    }
}
