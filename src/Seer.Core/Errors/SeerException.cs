namespace Seer.Core.Errors;

/// <summary>
/// The one exception type Seer code throws for problems a user can fix: bad input, missing things, conflicts.
/// The message says what, where and what to do next; <see cref="Code"/> is a stable machine-readable code
/// (see <see cref="ErrorCodes"/>) that the CLI prints and the API maps to an HTTP status.
/// </summary>
public class SeerException : Exception
{
    public SeerException(string code, string message, string? path = null, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
        Path = path;
    }

    /// <summary>Stable error code, e.g. <c>invalid_input</c>.</summary>
    public string Code { get; }

    /// <summary>The file (or item) the error is about, when there is one.</summary>
    public string? Path { get; }
}
