using Microsoft.Extensions.Logging;

namespace Notifications.Telemetry;

/// <summary>
/// Log entries that carry personal data, as classified <c>[LoggerMessage]</c> parameters: the logging pipeline redacts them
/// (<see cref="EmailAddressDataAttribute"/>: <c>j***@customs.example</c>), so an address is never written as it is.
/// </summary>
public static partial class PipelineLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Article {BlobName} rejected: {Code} {Reason} (editor: {Editor})")]
    public static partial void ArticleRejected(ILogger logger, string blobName, string code, string reason, [EmailAddressData] string? editor);
}
