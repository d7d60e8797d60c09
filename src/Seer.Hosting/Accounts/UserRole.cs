namespace Seer.Hosting.Accounts;

/// <summary>
/// Admins manage users, tokens, models and settings; members work with datasets and jobs; labellers only label and
/// review the labelling tasks they are named in (every other route refuses them).
/// </summary>
public enum UserRole
{
    Member,
    Admin,
    Labeller,
}
