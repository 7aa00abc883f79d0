using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Notifications.Delivery;

public enum DeliveryMode
{
    /// <summary>Through the SendGrid v3 Mail Send API.</summary>
    SendGrid,
    /// <summary>Written to a local folder as .eml and .html files (local runs and the demo).</summary>
    Outbox,
}

/// <summary>How mail leaves (section <c>Delivery</c>).</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Delivery";

    public DeliveryMode Mode { get; set; } = DeliveryMode.SendGrid;

    [Required(ErrorMessage = "Delivery:FromEmail is empty: give the sender address, verified in SendGrid, e.g. digests@secretariat.example.")]
    [EmailAddress(ErrorMessage = "Delivery:FromEmail is not an email address.")]
    public string FromEmail { get; set; } = "";

    public string FromName { get; set; } = "";

    /// <summary>Where the Outbox mode writes messages.</summary>
    public string OutboxPath { get; set; } = "./out/outbox";

    /// <summary>Recipients per SendGrid request (one personalization each); SendGrid allows at most 1000.</summary>
    [Range(1, 1000, ErrorMessage = "Delivery:BatchSize must be between 1 and 1000 (SendGrid's limit of personalizations per request).")]
    public int BatchSize { get; set; } = 1000;
}

/// <summary>The SendGrid client's settings (section <c>SendGrid</c>).</summary>
public sealed class SendGridOptions
{
    public const string Section = "SendGrid";

    public string ApiKey { get; set; } = "";

    /// <summary>The API host. Override for EU data residency (https://api.eu.sendgrid.com) or a local test endpoint.</summary>
    public string Host { get; set; } = "https://api.sendgrid.com";
}

/// <summary>Delivery through SendGrid needs SendGrid's settings; the outbox does not.</summary>
public sealed class DeliveryOptionsValidator(IOptions<SendGridOptions> sendGrid) : IValidateOptions<DeliveryOptions>
{
    public ValidateOptionsResult Validate(string? name, DeliveryOptions options)
    {
        if (options.Mode != DeliveryMode.SendGrid)
            return ValidateOptionsResult.Success;
        var sg = sendGrid.Value;
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(sg.ApiKey))
            errors.Add("SendGrid:ApiKey is empty while Delivery:Mode is SendGrid: set the API key (a Key Vault reference in Azure), or set Delivery:Mode to Outbox for local runs.");
        if (!Uri.TryCreate(sg.Host, UriKind.Absolute, out var host) || (host.Scheme != Uri.UriSchemeHttps && host.Scheme != Uri.UriSchemeHttp))
            errors.Add($"SendGrid:Host '{sg.Host}' is not an absolute http(s) address, e.g. https://api.sendgrid.com.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
