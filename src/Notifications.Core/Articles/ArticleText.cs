using System.Text;

namespace Notifications.Articles;

/// <summary>
/// Bytes to text, or a clear rejection: UTF-8 (with or without a byte order mark) and UTF-16 with a byte order mark.
/// Anything else is rejected rather than guessed, so an editor never sees mojibake in a digest.
/// </summary>
public static class ArticleText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly UnicodeEncoding StrictUtf16Le = new(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true);
    private static readonly UnicodeEncoding StrictUtf16Be = new(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true);

    public static string Decode(ReadOnlySpan<byte> content, int maxBytes)
    {
        if (content.Length > maxBytes)
            throw Reject("too-large", $"The file is larger than the limit of {Size(maxBytes)}.",
                $"Split the article, or remove embedded images; articles may be at most {Size(maxBytes)} (Articles:MaxBytes).");
        if (content.IsEmpty || content.Trim((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF, 0x20, 0x09, 0x0A, 0x0D]).IsEmpty)
            throw Reject("empty", "The file is empty.", "Write the article (a title line, then the text) and upload it again.");
        if (content.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00]) || content.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
            throw Reject("undecodable", "The file is UTF-32 text, which is not accepted.", "Save the file as UTF-8 and upload it again.");

        string text;
        try
        {
            text = content switch
            {
                _ when content.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) => StrictUtf8.GetString(content[3..]),
                _ when content.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) => StrictUtf16Le.GetString(content[2..]),
                _ when content.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) => StrictUtf16Be.GetString(content[2..]),
                _ when content.Contains((byte)0) => throw Reject("not-text",
                    "The file is not text (it contains NUL bytes): an image, a PDF or a Word document?",
                    "Upload the article as Markdown (.md), HTML (.html) or plain text (.txt); paste the text of a document into a .txt file."),
                _ => StrictUtf8.GetString(content),
            };
        }
        catch (DecoderFallbackException)
        {
            throw Reject("undecodable",
                "The file is not valid UTF-8 (or UTF-16 with a byte order mark): it may be in a legacy encoding such as Windows-1251 or Latin-1.",
                "Save the file as UTF-8 (in most editors: Save as → Encoding: UTF-8) and upload it again.");
        }

        var controls = text.Count(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t' or '\f'));
        if (text.Contains('\0') || controls > Math.Max(8, text.Length / 100))
            throw Reject("not-text", "The file is not text (it is full of control characters): an image, a PDF or a Word document?",
                "Upload the article as Markdown (.md), HTML (.html) or plain text (.txt).");
        return text;
    }

    private static string Size(int bytes)
        => bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MiB" : bytes % 1024 == 0 ? $"{bytes / 1024} KiB" : $"{bytes} bytes";

    private static ArticleRejectedException Reject(string code, string message, string hint) => new(new ArticleRejection(code, message, null, hint));
}
