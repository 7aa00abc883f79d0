using System.ComponentModel.DataAnnotations;

namespace Notifications.Web;

/// <summary>
/// How much of an anonymous request's body is read at most (section <c>Requests</c>); a larger body is answered 413 without
/// being read further. See <see cref="BoundedBody"/>.
/// </summary>
public sealed class RequestLimitOptions
{
    public const string Section = "Requests";

    /// <summary>The subscriber pages' posts (subscribe form or JSON, confirm, unsubscribe, preferences): a form is well under 2 KB.</summary>
    [Range(1024, 1024 * 1024, ErrorMessage = "Requests:PageMaxBytes must be from 1024 to 1048576 (bytes), e.g. 16384.")]
    public int PageMaxBytes { get; set; } = 16 * 1024;

    /// <summary>SendGrid's event webhook posts: SendGrid sends at most about 1.5 MB of events at a time.</summary>
    [Range(64 * 1024, 32 * 1024 * 1024, ErrorMessage = "Requests:WebhookMaxBytes must be from 65536 to 33554432 (bytes), e.g. 2097152.")]
    public int WebhookMaxBytes { get; set; } = 2 * 1024 * 1024;
}
