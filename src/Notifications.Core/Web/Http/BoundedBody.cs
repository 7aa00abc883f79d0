using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Notifications.Web;

/// <summary>
/// The one way an anonymous endpoint reads its request body: with a cap (<see cref="RequestLimitOptions"/>). A declared
/// <c>Content-Length</c> over the cap is refused before a byte is read; otherwise, chunked bodies included, at most cap + 1 bytes
/// are read into one buffer, and that one byte more means "too large". Nothing is parsed before the whole body is known to fit.
/// </summary>
public static class BoundedBody
{
    /// <summary>The first buffer for a body of unknown length; it doubles as needed, up to the cap + 1.</summary>
    private const int InitialBytes = 16 * 1024;

    /// <summary>Form fields a page form may carry: the subscribe form has a few, plus one per topic.</summary>
    public const int MaxFormFields = 200;

    /// <summary>True when the request declares a body larger than <paramref name="maxBytes"/> (nothing has been read).</summary>
    public static bool DeclaredTooLarge(HttpRequest request, int maxBytes) => request.ContentLength > maxBytes;

    /// <summary>The whole body in one buffer; null when it is larger than <paramref name="maxBytes"/> (then at most cap + 1 bytes were read).</summary>
    public static async Task<ArraySegment<byte>?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        if (DeclaredTooLarge(request, maxBytes))
            return null;
        var limit = maxBytes + 1L;
        var buffer = new byte[Math.Min((request.ContentLength ?? InitialBytes) + 1, limit)];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length == limit)
                    return null;
                Array.Resize(ref buffer, (int)Math.Min(buffer.Length * 2L, limit));
            }
            var read = await request.Body.ReadAsync(buffer.AsMemory(length), ct);
            if (read == 0)
                return new ArraySegment<byte>(buffer, 0, length);
            length += read;
        }
    }

    /// <summary>
    /// The form (urlencoded or multipart) parsed from at most <paramref name="maxBytes"/> of body; null when the body is larger.
    /// An unreadable form throws as <see cref="HttpRequest.ReadFormAsync(CancellationToken)"/> does (<see cref="InvalidDataException"/>…).
    /// </summary>
    public static async Task<IFormCollection?> ReadFormAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        if (await ReadAsync(request, maxBytes, ct) is not { } body)
            return null;
        request.Body = new MemoryStream(body.Array!, body.Offset, body.Count, writable: false);
        return await request.ReadFormAsync(new FormOptions
        {
            BufferBody = false,
            ValueCountLimit = MaxFormFields,
            KeyLengthLimit = maxBytes,
            ValueLengthLimit = maxBytes,
            MultipartBodyLengthLimit = maxBytes,
            MultipartHeadersLengthLimit = maxBytes,
        }, ct);
    }

    /// <summary>The RFC 7807 answer for a body over the cap (JSON requests; pages answer with a page in their language).</summary>
    public static IResult TooLarge(int maxBytes)
        => Problems.Problem(413, "Content too large.",
            $"The body is larger than {maxBytes} bytes, the most this endpoint reads; nothing was processed. Send a smaller body.", "body");
}
