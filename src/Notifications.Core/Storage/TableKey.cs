using System.Text;

namespace Notifications.Storage;

/// <summary>
/// Turns any string (a blob name with slashes, say) into a valid table key, distinct for distinct strings:
/// characters that table keys forbid ('/', '\', '#', '?', control characters) and '%' are percent-encoded.
/// </summary>
public static class TableKey
{
    public static string Encode(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var ch in value)
        {
            if (ch is '/' or '\\' or '#' or '?' or '%' || char.IsControl(ch))
                sb.Append('%').Append(((int)ch).ToString("X2"));
            else
                sb.Append(ch);
        }
        return sb.ToString();
    }
}
