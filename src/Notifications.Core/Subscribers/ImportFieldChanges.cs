using System.Globalization;

namespace Notifications.Subscribers;

/// <summary>The fields an import row sets, old → new, in the CSV's column names (for the preview and the result file).</summary>
public static class ImportFieldChanges
{
    /// <summary>Every field that differs between the two records; with no record before, every field the new one has a value for.</summary>
    public static IReadOnlyList<ImportFieldChange> Of(Subscriber? before, Subscriber after)
    {
        var changes = new List<ImportFieldChange>();
        void Add(string field, string? old, string now)
        {
            if (old is null ? now.Length > 0 : old != now)
                changes.Add(new ImportFieldChange(field, old ?? "", now));
        }
        Add("name", before?.Name, after.Name);
        Add("organization", before?.Organization, after.Organization);
        Add("country", before?.Country, after.Country);
        Add(SubscriberFields.Language, before?.Language, after.Language);
        Add(SubscriberFields.Frequency, before is null ? null : Lower(before.Frequency), Lower(after.Frequency));
        Add(SubscriberFields.Topics, before is null ? null : string.Join(";", before.TopicList), string.Join(";", after.TopicList));
        Add(SubscriberFields.TimeZone, before?.TimeZone, after.TimeZone);
        Add("status", before is null ? null : Lower(before.Status), Lower(after.Status));
        Add(SubscriberFields.DeliveryHour, before is null ? null : Hour(before.DeliveryHour),
            after.DeliveryHour is null && before is null ? "" : Hour(after.DeliveryHour));
        Add("member", before?.Member, after.Member);
        return changes;
    }

    /// <summary>"8", or "default" when the subscriber has no hour of their own.</summary>
    public static string Hour(int? hour) => hour is { } h ? h.ToString(CultureInfo.InvariantCulture) : "default";

    private static string Lower<T>(T value) where T : Enum => value.ToString().ToLowerInvariant();
}
