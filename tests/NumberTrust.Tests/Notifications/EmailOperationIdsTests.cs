using System.Text;
using NumberTrust.Notifications.Email;

namespace NumberTrust.Tests.Notifications;

public sealed class EmailOperationIdsTests
{
    [Fact]
    public void The_uuid_v5_construction_matches_the_rfc_example()
    {
        // uuid5(NAMESPACE_DNS, "python.org") from Python's uuid module, an independent implementation of RFC 9562.
        var dns = new Guid("6ba7b810-9dad-11d1-80b4-00c04fd430c8");

        var id = EmailOperationIds.NameBasedUuidV5(dns, Encoding.UTF8.GetBytes("python.org"));

        Assert.Equal(new Guid("886313e1-3b8a-5372-9b90-0c9aee199e5d"), id);
    }

    [Fact]
    public void The_same_subscription_channel_and_event_always_give_the_same_version_5_id()
    {
        var first = EmailOperationIds.For("sub-42", "email", "evt-2026-11-30-0001");
        var again = EmailOperationIds.For("sub-42", "email", "evt-2026-11-30-0001");

        Assert.Equal(first, again);
        Assert.Equal('5', first.ToString("D")[14]);
        Assert.Contains(first.ToString("D")[19], "89ab");
    }

    [Theory]
    [InlineData("sub-42", "email", "evt-2")]
    [InlineData("sub-43", "email", "evt-1")]
    [InlineData("sub-42", "webhook", "evt-1")]
    [InlineData("sub-4", "2email", "evt-1")]
    [InlineData("sub-42e", "mail", "evt-1")]
    public void Any_different_part_gives_a_different_id_even_when_the_concatenation_is_equal(string subscription, string channel, string eventId)
    {
        Assert.NotEqual(EmailOperationIds.For("sub-42", "email", "evt-1"), EmailOperationIds.For(subscription, channel, eventId));
    }

    [Fact]
    public void Empty_parts_are_refused()
    {
        Assert.Throws<ArgumentException>(() => EmailOperationIds.For("", "email", "evt-1"));
        Assert.Throws<ArgumentException>(() => EmailOperationIds.For("sub", "email", ""));
    }
}
