namespace Notifications.Web;

/// <summary>What a signed-in person may do in the console. An Admin may also do everything an Editor may.</summary>
public enum ConsoleRole { Editor, Admin }

/// <summary>
/// The person signed in to the console: their name as the platform gives it (for Entra ID, the user principal name, usually
/// their address), the address to send their tests to when the name is one, and their roles.
/// </summary>
public sealed record ConsoleUser(string Name, string? Email, IReadOnlySet<ConsoleRole> Roles)
{
    /// <summary>True when the user holds <paramref name="role"/>, or Admin (which includes Editor).</summary>
    public bool Has(ConsoleRole role) => Roles.Contains(role) || Roles.Contains(ConsoleRole.Admin);
}
