using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Seer.Hosting.Accounts;

/// <summary>
/// Password hashes as <c>pbkdf2-sha256$ITERATIONS$SALT$HASH</c> (base64): PBKDF2-HMAC-SHA256, 16-byte random salt,
/// 32-byte key, compared in constant time. The iteration count travels with the hash, so it can be raised later.
/// </summary>
public static class PasswordHasher
{
    private const string Scheme = "pbkdf2-sha256";

    public static string Hash(string password, int iterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        byte[] salt = RandomNumberGenerator.GetBytes(16);
        byte[] key = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);
        return string.Join('$', Scheme, iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(key));
    }

    public static bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int iterations))
            return false;
        byte[] salt = Convert.FromBase64String(parts[2]);
        byte[] expected = Convert.FromBase64String(parts[3]);
        byte[] actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password ?? ""), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }
}
