namespace Seer.Hosting.Accounts;

/// <summary>A user as the API shows it (never the password hash).</summary>
public sealed record UserInfo(string Name, UserRole Role, DateTimeOffset CreatedAt)
{
    public string RoleName => Role == UserRole.Admin ? "admin" : "member";
}
