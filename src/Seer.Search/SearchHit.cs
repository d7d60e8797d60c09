namespace Seer.Search;

/// <summary>
/// One search result: the item's id and its score (similarity for inner product and cosine, squared distance for L2).
/// </summary>
public readonly record struct SearchHit(string Id, float Score);
