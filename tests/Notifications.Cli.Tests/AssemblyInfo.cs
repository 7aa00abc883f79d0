[assembly: AssemblyFixture(typeof(Notifications.Testing.AzuriteFixture))]
