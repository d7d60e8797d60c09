using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Seer.Core.Errors;
using Seer.Hosting;

namespace Seer.Server;

/// <summary>Turns a SeerException into RFC 7807 problem details: the code picks the status, the message names the cause.</summary>
public sealed class SeerExceptionHandler : IExceptionHandler
{
    private readonly IProblemDetailsService _problems;
    private readonly string _home;

    public SeerExceptionHandler(IProblemDetailsService problems, IOptions<HostingOptions> options)
    {
        _problems = problems;
        _home = options.Value.Home;
    }

    public static int StatusOf(string code) => code switch
    {
        ErrorCodes.NotFound => StatusCodes.Status404NotFound,
        ErrorCodes.InvalidInput or ErrorCodes.InvalidOptions => StatusCodes.Status400BadRequest,
        ErrorCodes.Conflict => StatusCodes.Status409Conflict,
        ErrorCodes.Unauthorized => StatusCodes.Status401Unauthorized,
        ErrorCodes.Forbidden => StatusCodes.Status403Forbidden,
        ErrorCodes.Unavailable => StatusCodes.Status503ServiceUnavailable,
        ErrorCodes.TooLarge => StatusCodes.Status413PayloadTooLarge,
        _ => StatusCodes.Status500InternalServerError,
    };

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not SeerException seer) return false;
        int status = StatusOf(seer.Code);
        // Members never see where the workspace lives on the server.
        bool admin = httpContext.User.IsInRole("admin");
        string detail = admin ? seer.Message : ServerPaths.Hide(seer.Message, _home);
        string? file = seer.Path is null || admin ? seer.Path : ServerPaths.Hide(seer.Path, _home);
        httpContext.Response.StatusCode = status;
        var problem = new ProblemDetails
        {
            Status = status,
            Title = seer.Code,
            Detail = detail,
            Type = $"https://seer.local/problems/{seer.Code}",
            Instance = httpContext.Request.Path,
        };
        if (file is not null) problem.Extensions["file"] = file;
        problem.Extensions["code"] = seer.Code;
        return await _problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception })
            .ConfigureAwait(false);
    }
}
