namespace Seer.Search;

/// <summary>Optional compressed copy of the stored vectors that the exact scan reads first.</summary>
public enum VectorQuantization
{
    /// <summary>Scan the float32 rows.</summary>
    None,
    /// <summary>
    /// Scan an int8 copy (one scale per vector, 4× less memory traffic), then re-rank the best candidates with the
    /// float32 rows, so the returned scores are exact.
    /// </summary>
    Int8,
}
