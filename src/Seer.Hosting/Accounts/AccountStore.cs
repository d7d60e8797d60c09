using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Seer.Core.Errors;
using Seer.Hosting.Storage;
using Seer.Data.Relational;

namespace Seer.Hosting.Accounts;

/// <summary>
/// Users (name, role, PBKDF2 password hash) and API tokens in the workspace database. A token is
/// <c>seer_ID_SECRET</c>; only the SHA-256 of the 256-bit secret is stored (a high-entropy secret needs no slow KDF).
/// </summary>
public sealed class AccountStore
{
    private readonly HostingDatabase _db;
    private readonly int _iterations;

    public AccountStore(HostingDatabase db, IOptions<HostingOptions> options)
    {
        _db = db;
        _iterations = options.Value.PasswordIterations;
    }

    public static UserRole ParseRole(string role) => role?.ToLowerInvariant() switch
    {
        "admin" => UserRole.Admin,
        "member" => UserRole.Member,
        "labeller" or "labeler" => UserRole.Labeller,
        _ => throw new SeerException(ErrorCodes.InvalidInput, $"unknown role '{role}'; roles: admin, member, labeller", role),
    };

    public UserInfo AddUser(string name, UserRole role, string password)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 64 || name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == ':'))
            throw new SeerException(ErrorCodes.InvalidInput, $"'{name}' is not a usable user name (1-64 characters, no spaces or ':')", name);
        if (string.IsNullOrEmpty(password) || password.Length < 8)
            throw new SeerException(ErrorCodes.InvalidInput, $"the password for '{name}' is too short: use at least 8 characters", name);
        if (Find(name) is not null) throw new SeerException(ErrorCodes.Conflict, $"user '{name}' already exists", name);
        using var c = _db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO users (name, role, password_hash, created_at) VALUES (@n, @r, @h, @t)";
        RelationalDatabase.AddParameter(cmd, "n", name);
        RelationalDatabase.AddParameter(cmd, "r", UserInfo.RoleNameOf(role));
        RelationalDatabase.AddParameter(cmd, "h", PasswordHasher.Hash(password, _iterations));
        RelationalDatabase.AddParameter(cmd, "t", _db.CurrentTime());
        cmd.ExecuteNonQuery();
        return Find(name)!;
    }

    public UserInfo? Find(string name)
    {
        using var c = _db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT name, role, created_at FROM users WHERE name = @n";
        RelationalDatabase.AddParameter(cmd, "n", name);
        using var r = cmd.ExecuteReader();
        return r.Read() ? new UserInfo(r.GetString(0), ParseRole(r.GetString(1)), _db.ReadTime(r, 2)) : null;
    }

    public IReadOnlyList<UserInfo> ListUsers()
    {
        using var c = _db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT name, role, created_at FROM users ORDER BY name";
        using var r = cmd.ExecuteReader();
        var list = new List<UserInfo>();
        while (r.Read()) list.Add(new UserInfo(r.GetString(0), ParseRole(r.GetString(1)), _db.ReadTime(r, 2)));
        return list;
    }

    /// <summary>
    /// The user and their session generation, read afresh (the server calls this on every cookie request), or null
    /// when no such user exists in this workspace.
    /// </summary>
    public (UserInfo User, long Generation)? FindSession(string name)
    {
        using var c = _db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT name, role, created_at, session_generation FROM users WHERE name = @n";
        RelationalDatabase.AddParameter(cmd, "n", name ?? "");
        using var r = cmd.ExecuteReader();
        return r.Read()
            ? (new UserInfo(r.GetString(0), ParseRole(r.GetString(1)), _db.ReadTime(r, 2)), r.GetInt64(3))
            : null;
    }

    /// <summary>Ends every session of the user (each cookie carries the generation it was issued under); returns the new generation.</summary>
    public long EndSessions(string name)
    {
        using var c = _db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "UPDATE users SET session_generation = session_generation + 1 WHERE name = @n RETURNING session_generation";
        RelationalDatabase.AddParameter(cmd, "n", name ?? "");
        return cmd.ExecuteScalar() is long g ? g
            : throw new SeerException(ErrorCodes.NotFound, $"user '{name}' does not exist", name);
    }

    /// <summary>Sets a new password and ends every session of the user.</summary>
    public void SetPassword(string name, string password)
    {
        if (string.IsNullOrEmpty(password) || password.Length < 8)
            throw new SeerException(ErrorCodes.InvalidInput, $"the password for '{name}' is too short: use at least 8 characters", name);
        using var c = _db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "UPDATE users SET password_hash = @h, session_generation = session_generation + 1 WHERE name = @n";
        RelationalDatabase.AddParameter(cmd, "n", name ?? "");
        RelationalDatabase.AddParameter(cmd, "h", PasswordHasher.Hash(password, _iterations));
        if (cmd.ExecuteNonQuery() == 0) throw new SeerException(ErrorCodes.NotFound, $"user '{name}' does not exist", name);
    }

    /// <summary>
    /// Changes a user's role (the server reads the stored role on every request, so it takes effect at once). Refuses
    /// to leave the workspace without an admin.
    /// </summary>
    public UserInfo SetRole(string name, UserRole role)
    {
        using var c = _db.Open();
        using var tx = _db.Database.BeginWrite(c, "users");
        string? current;
        int admins;
        using (var cmd = c.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "SELECT role, (SELECT COUNT(*) FROM users WHERE role = 'admin') FROM users WHERE name = @n";
            RelationalDatabase.AddParameter(cmd, "n", name ?? "");
            using var r = cmd.ExecuteReader();
            if (!r.Read()) throw new SeerException(ErrorCodes.NotFound, $"user '{name}' does not exist", name);
            current = r.GetString(0);
            admins = Convert.ToInt32(r.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
        }
        if (current == "admin" && role != UserRole.Admin && admins <= 1)
            throw new SeerException(ErrorCodes.Conflict, $"'{name}' is the only admin; make another user admin first", name);
        using (var cmd = c.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "UPDATE users SET role = @r WHERE name = @n";
            RelationalDatabase.AddParameter(cmd, "n", name);
            RelationalDatabase.AddParameter(cmd, "r", UserInfo.RoleNameOf(role));
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
        return Find(name!)!;
    }

    /// <summary>The user when the password matches; null otherwise (an unknown name costs a hash too, so timing does not tell).</summary>
    public UserInfo? VerifyPassword(string name, string password)
    {
        string? stored;
        using (var c = _db.Open())
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT password_hash FROM users WHERE name = @n";
            RelationalDatabase.AddParameter(cmd, "n", name ?? "");
            stored = cmd.ExecuteScalar() as string;
        }
        bool ok = PasswordHasher.Verify(password ?? "", stored ?? DummyHash.Value);
        return ok && stored is not null ? Find(name!) : null;
    }

    /// <summary>Creates a bearer token for a user and returns it; it is shown once and stored only as a hash.</summary>
    public string CreateToken(string userName)
    {
        if (Find(userName) is null) throw new SeerException(ErrorCodes.NotFound, $"user '{userName}' does not exist (seer user add)", userName);
        string id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        string secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        using var c = _db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO api_tokens (id, user_name, secret_hash, created_at) VALUES (@i, @u, @h, @t)";
        RelationalDatabase.AddParameter(cmd, "i", id);
        RelationalDatabase.AddParameter(cmd, "u", userName);
        RelationalDatabase.AddParameter(cmd, "h", HashSecret(secret));
        RelationalDatabase.AddParameter(cmd, "t", _db.CurrentTime());
        cmd.ExecuteNonQuery();
        return $"seer_{id}_{secret}";
    }

    /// <summary>The token's user, or null when the token is malformed, unknown or revoked.</summary>
    public UserInfo? ValidateToken(string token)
    {
        var parts = (token ?? "").Split('_', 3);
        if (parts.Length != 3 || parts[0] != "seer") return null;
        string? user;
        string? hash;
        using (var c = _db.Open())
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT user_name, secret_hash FROM api_tokens WHERE id = @i AND revoked = 0";
            RelationalDatabase.AddParameter(cmd, "i", parts[1]);
            using var r = cmd.ExecuteReader();
            if (!r.Read()) return null;
            user = r.GetString(0);
            hash = r.GetString(1);
        }
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(HashSecret(parts[2])), Encoding.ASCII.GetBytes(hash))) return null;
        return Find(user);
    }

    /// <summary>Tokens (never their secrets) of one user, or of everyone when <paramref name="userName"/> is null; newest first.</summary>
    public IReadOnlyList<TokenInfo> ListTokens(string? userName)
    {
        using var c = _db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT id, user_name, created_at, last_used_at, revoked FROM api_tokens WHERE CAST(@u AS TEXT) IS NULL OR user_name = @u ORDER BY created_at DESC, id";
        RelationalDatabase.AddParameter(cmd, "u", (object?)userName ?? DBNull.Value);
        using var r = cmd.ExecuteReader();
        var list = new List<TokenInfo>();
        while (r.Read())
            list.Add(new TokenInfo(r.GetString(0), r.GetString(1), _db.ReadTime(r, 2),
                _db.ReadTimeOrNull(r, 3), r.GetInt64(4) != 0));
        return list;
    }

    /// <summary>The user a token id belongs to, or null when there is no such token.</summary>
    public string? TokenOwner(string tokenId) => ListTokens(null).FirstOrDefault(t => t.Id == tokenId)?.User;

    public void RevokeToken(string tokenId)
    {
        using var c = _db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "UPDATE api_tokens SET revoked = 1 WHERE id = @i";
        RelationalDatabase.AddParameter(cmd, "i", tokenId);
        if (cmd.ExecuteNonQuery() == 0) throw new SeerException(ErrorCodes.NotFound, $"token {tokenId} does not exist", tokenId);
    }

    private static string HashSecret(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '-');

    private readonly Lazy<string> DummyHash = new(() => PasswordHasher.Hash("not a password", 100_000));
}
