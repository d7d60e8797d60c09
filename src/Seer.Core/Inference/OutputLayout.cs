namespace Seer.Core.Inference;

/// <summary>What a model's outputs hold and how to decode them.</summary>
public enum OutputLayout
{
    /// <summary>One output [N, C] of class logits (softmax applied when decoding).</summary>
    ClassifierLogits = 0,
    /// <summary>One output [N, C] of class probabilities.</summary>
    ClassifierProbs = 1,
    /// <summary>One output [N, boxes, 4+1+C]: cx, cy, w, h in input pixels, objectness, class scores (YOLOv5).</summary>
    YoloV5 = 2,
    /// <summary>One output [N, 4+C, boxes]: cx, cy, w, h in input pixels, class scores (YOLOv8).</summary>
    YoloV8 = 3,
    /// <summary>Two outputs, boxes [N, boxes, 4] and scores [N, boxes, C (+1 background)], already decoded.</summary>
    BoxesScores = 4,
    /// <summary>One output [N, D]: a feature vector per image.</summary>
    Embedding = 5,
}
