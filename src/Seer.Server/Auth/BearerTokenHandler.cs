using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Seer.Hosting.Accounts;

namespace Seer.Server.Auth;

/// <summary>Authenticates <c>Authorization: Bearer seer_…</c> against the hashed API tokens.</summary>
public sealed class BearerTokenHandler : AuthenticationHandler<AuthenticationSchemeOptions>
{
    private readonly AccountStore _accounts;

    public BearerTokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, AccountStore accounts)
        : base(options, logger, encoder) => _accounts = accounts;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header) || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return Task.FromResult(AuthenticateResult.NoResult());
        var user = _accounts.ValidateToken(header["Bearer ".Length..].Trim());
        return Task.FromResult(user is null
            ? AuthenticateResult.Fail("the bearer token is unknown or revoked")
            : AuthenticateResult.Success(new AuthenticationTicket(SeerAuth.Principal(user, SeerAuth.Bearer), SeerAuth.Bearer)));
    }
}
