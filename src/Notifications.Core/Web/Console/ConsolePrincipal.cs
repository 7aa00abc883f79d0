using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Notifications.Mail;

namespace Notifications.Web;

/// <summary>
/// Reads the signed-in person from the header App Service authentication (Easy Auth) puts on every request it lets through:
/// <c>X-MS-CLIENT-PRINCIPAL</c>, base64 of <c>{"auth_typ":…,"name_typ":…,"role_typ":…,"claims":[{"typ":…,"val":…}]}</c>.
/// Only trusted when the platform's authentication is on (<see cref="PlatformAuthenticationSetting"/>): the platform then strips
/// any such header a client sends. Without it, anyone can send the header, so it is ignored.
/// Entra ID app roles arrive as <c>roles</c> claims (or claims of the <c>role_typ</c> type) with the role's value, <c>Editor</c>
/// or <c>Admin</c> (case-insensitive).
/// </summary>
public static class ConsolePrincipal
{
    public const string Header = "X-MS-CLIENT-PRINCIPAL";

    /// <summary>The App Service setting the platform sets to <c>true</c> when its authentication is on.</summary>
    public const string PlatformAuthenticationSetting = "WEBSITE_AUTH_ENABLED";

    /// <summary>Longest header read; a real principal is a few kilobytes.</summary>
    public const int MaxHeaderLength = 32 * 1024;

    private static readonly string[] NameTypes =
        ["preferred_username", "name", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name", "upn", "email"];

    private static readonly string[] EmailTypes =
        ["preferred_username", "email", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", "upn"];

    private static readonly string[] RoleTypes = ["roles", "role", "http://schemas.microsoft.com/ws/2008/06/identity/claims/role"];

    /// <summary>The person the header names; null when platform authentication is off, or there is no usable header.</summary>
    public static ConsoleUser? Read(HttpRequest request, bool platformAuthentication)
    {
        if (!platformAuthentication) return null;
        var header = request.Headers[Header].ToString();
        if (header.Length is 0 or > MaxHeaderLength) return null;
        try
        {
            using var document = JsonDocument.Parse(Convert.FromBase64String(header));
            var root = document.RootElement;
            var claims = new List<(string Type, string Value)>();
            if (root.TryGetProperty("claims", out var list) && list.ValueKind == JsonValueKind.Array)
                foreach (var claim in list.EnumerateArray())
                    if (claim.TryGetProperty("typ", out var typ) && claim.TryGetProperty("val", out var val)
                        && typ.ValueKind == JsonValueKind.String && val.ValueKind == JsonValueKind.String)
                        claims.Add((typ.GetString()!, val.GetString()!));
            var nameType = root.TryGetProperty("name_typ", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            var roleType = root.TryGetProperty("role_typ", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;

            string? First(IEnumerable<string?> types)
                => types.Where(t => t is not null).Select(t => claims.FirstOrDefault(c => c.Type == t && c.Value.Trim().Length > 0).Value)
                    .FirstOrDefault(v => v is not null)?.Trim();
            var name = First(NameTypes.Prepend(nameType));
            if (name is null) return null;
            var email = AddressOrNull(First(EmailTypes));
            var roles = claims.Where(c => RoleTypes.Contains(c.Type) || c.Type == roleType)
                .Select(c => Enum.TryParse<ConsoleRole>(c.Value.Trim(), ignoreCase: true, out var role) ? role : (ConsoleRole?)null)
                .OfType<ConsoleRole>().ToHashSet();
            return new ConsoleUser(name, email, roles);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    private static string? AddressOrNull(string? value)
    {
        try
        {
            return value is null ? null : EmailAddress.Normalize(value);
        }
        catch (InvalidEmailAddressException)
        {
            return null;
        }
    }

    /// <summary>The header the platform would send for <paramref name="user"/>: how <c>notify serve --as</c> signs its user in.</summary>
    public static string Encode(ConsoleUser user)
    {
        var claims = new List<object> { new { typ = "preferred_username", val = user.Name } };
        if (user.Email is not null && user.Email != user.Name) claims.Add(new { typ = "email", val = user.Email });
        claims.AddRange(user.Roles.Select(r => new { typ = "roles", val = r.ToString() }));
        var json = JsonSerializer.Serialize(new { auth_typ = "aad", name_typ = "preferred_username", role_typ = "roles", claims });
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json));
    }
}
