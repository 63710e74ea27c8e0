using System.Net;
using InternalApi.Core.Scim;

namespace InternalApi.Tests.Scim;

/// <summary>Filters and paging of the list endpoints (spec §6.1), over HTTP and for the parser alone.</summary>
[Collection("scim")]
public sealed class ScimListTests(ScimFixture fixture)
{
    [Theory]
    [InlineData("id eq \"abc\"", ScimFilterField.ExternUid, "abc")]
    [InlineData("externalId eq abc-def", ScimFilterField.ExternUid, "abc-def")]
    [InlineData("userName eq \"Ada Lovelace\"", ScimFilterField.UserName, "Ada Lovelace")]
    [InlineData("externalId eq \"say \\\"hi\\\" \\\\ bye\"", ScimFilterField.ExternUid, "say \"hi\" \\ bye")]
    [InlineData("  id eq \"\"  ", ScimFilterField.ExternUid, "")]
    public void The_Parser_Reads_Quoted_And_Bare_Values(string filter, ScimFilterField field, string value) =>
        Assert.Equal(new ScimFilter(field, value), ScimFilter.Parse(filter));

    [Theory]
    [InlineData("displayName eq \"x\"")]
    [InlineData("name.formatted eq \"x\"")]
    [InlineData("active eq true")]
    [InlineData("emails[type eq \"work\"].value eq \"a@b\"")]
    [InlineData("id ne \"x\"")]
    [InlineData("id EQ \"x\"")]
    [InlineData("id eq")]
    [InlineData("id eq \"unterminated")]
    [InlineData("id eq \"x\" and userName eq \"y\"")]
    [InlineData("id eq two words")]
    [InlineData("id eq \"bad \\q escape\"")]
    [InlineData("id")]
    public void The_Parser_Refuses_Everything_Else_As_Unsupported(string filter)
    {
        var ex = Assert.Throws<ScimException>(() => ScimFilter.Parse(filter));
        Assert.Equal((ScimErrorKind.Refused, "Unsupported Filter"), (ex.Kind, ex.Detail));
    }

    [Fact]
    public async Task Filters_Match_Uids_With_Spaces_And_Quotes_Usernames_And_Emails_And_Refuse_The_Rest()
    {
        var group = await fixture.GroupAsync();
        var user = await fixture.UserAsync();
        const string uid = "John \"JJ\" Smith";
        await fixture.Scim.UpsertIdentityAsync(ScimTables.GroupScope(group.Group.Id), new ScimIdentity(uid, user.Id, true));

        async Task<(HttpStatusCode, string?)> Find(string filter)
        {
            var answer = await fixture.SendAsync(HttpMethod.Get, group.Users + "?filter=" + Uri.EscapeDataString(filter), group.Token);
            return (answer.Status, answer.Status == HttpStatusCode.OK && (int)answer.Json!["totalResults"]! == 1 ? (string?)answer.Json["Resources"]![0]!["id"] : answer.Text);
        }

        Assert.Equal((HttpStatusCode.OK, uid), await Find("externalId eq \"John \\\"JJ\\\" Smith\""));
        Assert.Equal((HttpStatusCode.OK, uid), await Find("id eq \"john \\\"jj\\\" smith\""));
        Assert.Equal((HttpStatusCode.OK, uid), await Find($"userName eq \"{user.Username.ToUpperInvariant()}\""));
        Assert.Equal((HttpStatusCode.OK, uid), await Find($"userName eq \"{user.Email}\""));
        Assert.Equal((HttpStatusCode.OK, uid), await Find($"userName eq \"{user.Username}@elsewhere.example\""));
        Assert.Equal((HttpStatusCode.OK, uid), await Find($"userName eq \"{uid.Replace("\"", "\\\"", StringComparison.Ordinal)}\""));
        var none = await fixture.SendAsync(HttpMethod.Get, group.Users + "?filter=" + Uri.EscapeDataString("id eq \"John\""), group.Token);
        Assert.Equal((0, 0), ((int)none.Json!["totalResults"]!, none.Json["Resources"]!.AsArray().Count));

        var unsupported = ScimFixture.Error(412, "Unsupported Filter");
        Assert.Equal((HttpStatusCode.PreconditionFailed, unsupported), await Find("displayName eq \"SCIM user\""));
        Assert.Equal((HttpStatusCode.PreconditionFailed, unsupported), await Find("id eq \"John"));
        Assert.Equal((HttpStatusCode.PreconditionFailed, unsupported), await Find("id co \"J\""));
    }

    [Fact]
    public async Task Pages_Follow_StartIndex_And_Count_With_GitLabs_Edges()
    {
        var group = await fixture.GroupAsync();
        var scope = ScimTables.GroupScope(group.Group.Id);
        for (var i = 1; i <= 5; i++)
        {
            await fixture.Scim.UpsertIdentityAsync(scope, new ScimIdentity($"page-{i}", (await fixture.UserAsync()).Id, true));
        }

        async Task<(int Total, int PerPage, int Start, string Ids)> Page(string query)
        {
            var answer = await fixture.SendAsync(HttpMethod.Get, group.Users + query, group.Token);
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            var json = answer.Json!;
            return ((int)json["totalResults"]!, (int)json["itemsPerPage"]!, (int)json["startIndex"]!,
                string.Join(",", json["Resources"]!.AsArray().Select(r => ((string)r!["id"]!)[5..])));
        }

        Assert.Equal((5, 20, 1, "1,2,3,4,5"), await Page(""));
        Assert.Equal((5, 2, 1, "1,2"), await Page("?count=2"));
        Assert.Equal((5, 2, 3, "3,4"), await Page("?startIndex=3&count=2"));
        Assert.Equal((5, 2, 5, "5"), await Page("?startIndex=5&count=2"));
        Assert.Equal((5, 2, 6, ""), await Page("?startIndex=6&count=2"));
        Assert.Equal((5, 20, 1, "1,2,3,4,5"), await Page("?startIndex=0&count=0"));
        Assert.Equal((5, 20, 1, "1,2,3,4,5"), await Page("?startIndex=-4&count=-1"));
        Assert.Equal((5, 100, 1, "1,2,3,4,5"), await Page("?count=100000"));
        Assert.Equal((5, 20, 1, "1,2,3,4,5"), await Page("?startIndex=abc&count=xyz"));
        Assert.Equal((1, 20, 2, ""), await Page("?filter=" + Uri.EscapeDataString("id eq \"page-3\"") + "&startIndex=2"));
    }

    [Fact]
    public async Task Group_Saml_Switched_Off_On_The_Instance_Is_403_And_Instance_Scim_Off_Is_404()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new ScimOptions { GroupSamlEnabled = false, InstanceSamlEnabled = false });
        var authenticator = new ScimTokenAuthenticator(fixture.Scim, fixture.Stores.Namespaces, options);

        Assert.Equal(ScimAuthFailure.GroupSamlDisabled, (await authenticator.AuthenticateGroupAsync("any", "any")).Failure);
        Assert.Equal(ScimAuthFailure.InstanceDisabled, (await authenticator.AuthenticateInstanceAsync(ScimFixture.InstanceToken)).Failure);
        Assert.Equal(
            ("""{"message":"403 Forbidden - Group SAML not enabled."}""", 403),
            (InternalApi.Functions.Hosting.ScimScopeContext.Refusal(new ScimAuthResult(null, ScimAuthFailure.GroupSamlDisabled)).Body.ToJsonString(), InternalApi.Functions.Hosting.ScimScopeContext.Refusal(new ScimAuthResult(null, ScimAuthFailure.GroupSamlDisabled)).Status));
    }
}
