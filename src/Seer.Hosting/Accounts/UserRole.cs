namespace Seer.Hosting.Accounts;

/// <summary>Admins manage users, tokens, models and settings; members work with datasets and jobs.</summary>
public enum UserRole
{
    Member,
    Admin,
}
