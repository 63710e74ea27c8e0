using System.Net;
using InternalApi.Core.Import;
using InternalApi.Core.Model;
using InternalApi.Core.Scim;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Scim;

/// <summary>The <c>saml_providers</c>, <c>scim_tokens</c> and <c>scim_identities</c> import sections.</summary>
[Collection("scim")]
public sealed class ScimImportTests(ScimFixture fixture)
{
    [Fact]
    public async Task Imported_Providers_Tokens_And_Identities_Serve_Scim_And_Tokens_Are_Stored_As_Digests()
    {
        var group = await fixture.GroupAsync(samlProvider: false);
        var user = await fixture.UserAsync();
        var token = "imported-scim-token-" + group.Group.Id;
        var importer = fixture.App.Services.GetRequiredService<Importer>();

        var result = await importer.ImportAsync($$"""
            {
              "saml_providers": [ { "group": "{{group.Group.FullPath}}", "default_membership_role": "maintainer" } ],
              "scim_tokens": [ { "token": "{{token}}", "group": "{{group.Group.FullPath}}" } ],
              "scim_identities": [ { "extern_uid": "imported-uid", "user_id": {{user.Id}}, "group": "{{group.Group.FullPath}}", "active": false } ]
            }
            """);

        Assert.Empty(result.Errors);
        Assert.Equal(new SamlProvider(group.Group.Id, true, AccessLevel.Maintainer), await fixture.Scim.GetSamlProviderAsync(group.Group.Id));
        Assert.Null(await fixture.Scim.FindTokenScopeAsync(token));
        Assert.Equal(ScimTables.GroupScope(group.Group.Id), await fixture.Scim.FindTokenScopeAsync(SecretDigest.Sha256Hex(token)));
        var got = await fixture.SendAsync(HttpMethod.Get, group.Users + "/imported-uid", token);
        Assert.Equal((HttpStatusCode.OK, false, user.Username), (got.Status, (bool)got.Json!["active"]!, (string?)got.Json["userName"]));
    }

    [Fact]
    public async Task Bad_Records_Are_Reported_With_Their_Paths_And_Nothing_Is_Written()
    {
        var missing = TestIds.Name("nogroup");
        var importer = fixture.App.Services.GetRequiredService<Importer>();

        var result = await importer.ImportAsync($$"""
            {
              "saml_providers": [ { "group": "{{missing}}", "default_membership_role": "boss" } ],
              "scim_tokens": [ { "group": "{{missing}}" }, { "token": "same" }, { "token": "same" } ],
              "scim_identities": [ { "extern_uid": "x", "user_id": 987654321987 } ]
            }
            """);

        Assert.Equal(
            [
                "$.saml_providers[0].default_membership_role: must be one of guest, planner, reporter, developer, maintainer, owner",
                $"$.saml_providers[0].group: unknown group '{missing}'",
                "$.scim_identities[0].user_id: unknown user 987654321987",
                $"$.scim_tokens[0].group: unknown group '{missing}'",
                "$.scim_tokens[0].token: is missing",
                "$.scim_tokens[2].token: duplicate of $.scim_tokens[1]",
            ],
            result.Errors.Order(StringComparer.Ordinal));
        Assert.Null(await fixture.Scim.FindTokenScopeAsync(SecretDigest.Sha256Hex("same")));
    }
}
