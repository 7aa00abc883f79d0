using Notifications.Localization;

namespace Notifications.Subscribers;

/// <summary>
/// Text as the search index compares it: lower case without accents ("Société" and "SOCIETE" both become "societe"; "ё" becomes
/// "е"), plus the few letters that do not decompose (ß, æ, œ, ø, ł, đ, ı).
/// </summary>
public static class SubscriberSearchText
{
    /// <summary>The folded form of <paramref name="value"/> (<see cref="TextFolding.Fold"/>); empty for null.</summary>
    public static string Fold(string? value) => TextFolding.Fold(value);

    /// <summary>What a card is searched by: address, name and organisation, folded, kept apart so that no match spans two of them.</summary>
    public static string Of(SubscriberCard card) => Fold(card.Email) + "\u0001" + Fold(card.Name) + "\u0001" + Fold(card.Organization);
}
