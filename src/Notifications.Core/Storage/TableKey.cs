using System.Text;

namespace Notifications.Storage;

/// <summary>
/// Turns any string (a blob name with slashes, say) into a valid, reversible table key:
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

    public static string Decode(string key)
    {
        var sb = new StringBuilder(key.Length);
        for (var i = 0; i < key.Length; i++)
        {
            if (key[i] == '%' && i + 2 < key.Length)
            {
                sb.Append((char)Convert.ToInt32(key.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
                sb.Append(key[i]);
        }
        return sb.ToString();
    }
}
