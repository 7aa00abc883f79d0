using Microsoft.AspNetCore.Http;
using Notifications.Subscribers;

namespace Notifications.Web;

/// <summary>Which of the pages' languages (en, ru, fr) a page is in.</summary>
public static class PageLanguage
{
    /// <summary>The subscriber's language, else <c>?lang=</c>, else the best of Accept-Language, else English.</summary>
    public static string Of(HttpRequest request, Subscriber? subscriber = null)
    {
        if (subscriber is not null && SubscriberRules.Languages.Contains(subscriber.Language))
            return subscriber.Language;
        var query = request.Query["lang"].ToString().Trim().ToLowerInvariant();
        if (SubscriberRules.Languages.Contains(query))
            return query;
        foreach (var value in request.GetTypedHeaders().AcceptLanguage.OrderByDescending(v => v.Quality ?? 1))
        {
            if (value.Quality is 0) continue;
            var primary = (value.Value.Value ?? "").Split('-')[0].ToLowerInvariant();
            if (SubscriberRules.Languages.Contains(primary))
                return primary;
        }
        return "en";
    }

    /// <summary><paramref name="language"/> when it is one of the pages' languages, else the request's (<see cref="Of"/>).</summary>
    public static string Preferring(string? language, HttpRequest request)
        => language is not null && SubscriberRules.Languages.Contains(language) ? language : Of(request);
}
