namespace Seer.Core.Errors;

/// <summary>
/// The one mapping from exceptions that libraries (the framework's parsers and file APIs, or Seer code below the
/// checks) throw on bad input to a <see cref="SeerException"/> with a stable code: the CLI prints it and exits with its
/// code, the server answers its HTTP status (never 500 for them), the job runner fails the job with its message.
/// Exceptions not listed here are bugs and stay what they are.
/// </summary>
public static class LibraryErrors
{
    /// <summary>A SeerException for a bad-input exception (itself for a SeerException), or null for anything else.</summary>
    public static SeerException? Translate(Exception exception) => exception switch
    {
        SeerException seer => seer,
        System.Text.Json.JsonException json => new SeerException(ErrorCodes.InvalidInput, $"malformed JSON: {json.Message}", null, json),
        System.Xml.XmlException xml => new SeerException(ErrorCodes.InvalidInput, $"malformed XML: {xml.Message}", null, xml),
        FormatException or OverflowException or InvalidDataException =>
            new SeerException(ErrorCodes.InvalidInput, $"the input cannot be read: {exception.Message}", null, exception),
        PathTooLongException => new SeerException(ErrorCodes.InvalidInput, $"a path is too long: {exception.Message}", null, exception),
        UnauthorizedAccessException or IOException =>
            // A file the work had to read or write: the message names it (permission denied, disk full, ...).
            new SeerException(ErrorCodes.InvalidInput, $"cannot read or write a file: {exception.Message}", null, exception),
        _ => null,
    };
}
