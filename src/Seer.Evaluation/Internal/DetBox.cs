namespace Seer.Evaluation.Internal;

/// <summary>A scored detection box [x, y, w, h].</summary>
internal struct DetBox
{
    public double X, Y, W, H, Score;
}
