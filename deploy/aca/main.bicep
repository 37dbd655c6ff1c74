// Switchboard on Azure Container Apps: stateless front ends (external HTTP ingress) and silos on Azure Table membership.
//
// Orleans needs to reach each silo at its own address. A container app with several replicas gives them no documented
// per-replica address, so each silo is its own one-replica container app with its own silo/gateway port pair, exposed
// with TCP ingress on the environment's private static IP, which every silo advertises (the pattern of the Orleans
// team's maintained Container Apps sample). TCP ingress needs a VNet-integrated environment; this one is internal, so
// Twilio reaches the front end only through something public in front of it (Application Gateway, Front Door with
// Private Link): not part of this template. See docs/operations.md, "Azure Container Apps".
//
// Two phases, because the apps read their secrets from Key Vault at start:
//   1. deploy with deployApps=false: network, storage, Key Vault, identity, environment;
//   2. put twilio-auth-token, admin-api-key, privacy-hash-key and the cluster certificate (cluster-tls-crt,
//      cluster-tls-key) into the vault (az keyvault secret set), deploy again with deployApps=true.
// Nothing here holds a secret value. Storage has no key in use at all: the apps sign in to it with their managed
// identity (role Storage Table Data Contributor), and silos and front ends talk to each other over mutual TLS.

targetScope = 'resourceGroup'

@description('Lowercase prefix of resource names (letters and digits, starting with a letter).')
@minLength(3)
@maxLength(11)
param baseName string = 'switchboard'

param location string = resourceGroup().location

@description('false: everything but the container apps (first run); true: also the apps (after the vault holds the secrets).')
param deployApps bool = false

@description('Silo image, e.g. myregistry.azurecr.io/switchboard-silo:1.0.0')
param siloImage string = ''

@description('Front-end image, e.g. myregistry.azurecr.io/switchboard-frontend:1.0.0')
param frontendImage string = ''

@description('Login server of the registry holding the images, pulled with the apps\' managed identity (grant it AcrPull). Empty: public images.')
param registryServer string = ''

@description('Number of silos: one one-replica container app each, ports 11111+i (silo) and 30000+i (gateway).')
@minValue(1)
@maxValue(20)
param siloCount int = 3

@minValue(1)
param frontendMinReplicas int = 2

@minValue(1)
param frontendMaxReplicas int = 10

@description('Public base URL Twilio calls, without a trailing slash; webhook signatures cover it.')
param webhookBaseUrl string

@description('Twilio Account SID (an identifier, not a secret).')
param twilioAccountSid string

@description('Sender of replies in E.164; leave empty when twilioMessagingServiceSid is set.')
param twilioFromNumber string = ''

@description('Twilio Messaging Service SID; leave empty when twilioFromNumber is set.')
param twilioMessagingServiceSid string = ''

@description('Orleans ServiceId. Grain state and reminders are keyed by it: changing it orphans all stored state.')
param serviceId string = 'switchboard'

@description('Orleans ClusterId: silos and front ends with the same value form one cluster.')
param clusterId string = 'switchboard-prod'

@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
])
param storageSku string = 'Standard_LRS'

param vnetAddressPrefix string = '10.40.0.0/16'

@description('Subnet of the environment: at least /27 for a workload-profiles environment.')
param infrastructureSubnetPrefix string = '10.40.0.0/23'

var suffix = uniqueString(resourceGroup().id)
var siloPortBase = 11111
var gatewayPortBase = 30000
var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'
// Storage Table Data Contributor: read, write and create tables with an Entra identity instead of the account key.
var storageTableDataContributorRoleId = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'

resource logs 'Microsoft.OperationalInsights/workspaces@2022-10-01' = {
  name: '${baseName}-logs'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource vnet 'Microsoft.Network/virtualNetworks@2023-09-01' = {
  name: '${baseName}-vnet'
  location: location
  properties: {
    addressSpace: {
      addressPrefixes: [
        vnetAddressPrefix
      ]
    }
    subnets: [
      {
        name: 'container-apps'
        properties: {
          addressPrefix: infrastructureSubnetPrefix
          delegations: [
            {
              name: 'container-apps'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
        }
      }
    ]
  }
}

// Grain state (OrleansGrainState), reminders (OrleansReminders), membership (OrleansSiloInstances), turn history:
// Orleans and the silo create their tables on first use.
resource storage 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: toLower(take('${baseName}${suffix}', 24))
  location: location
  kind: 'StorageV2'
  sku: {
    name: storageSku
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    // The apps sign in with their managed identity (ConnectionStrings:AzureStorage holds the table endpoint): no
    // account key to leak, so none is accepted.
    allowSharedKeyAccess: false
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: toLower(take('${baseName}${suffix}', 24))
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
  }
}

// One identity for all apps: reads the vault's secrets, reads and writes the tables (and pulls images, once granted
// AcrPull on the registry).
resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${baseName}-apps'
  location: location
}

resource appIdentityReadsSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, appIdentity.id, keyVaultSecretsUserRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
    principalId: appIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource appIdentityUsesTables 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, appIdentity.id, storageTableDataContributorRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributorRoleId)
    principalId: appIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource containerEnv 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${baseName}-env'
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
    vnetConfiguration: {
      infrastructureSubnetId: vnet.properties.subnets[0].id
      internal: true
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
    ]
  }
}

// Container-app secrets are references into the vault, read with the apps' identity.
var twilioTokenSecret = {
  name: 'twilio-auth-token'
  keyVaultUrl: '${vault.properties.vaultUri}secrets/twilio-auth-token'
  identity: appIdentity.id
}
var adminKeySecret = {
  name: 'admin-api-key'
  keyVaultUrl: '${vault.properties.vaultUri}secrets/admin-api-key'
  identity: appIdentity.id
}
// The cluster certificate (PEM) for mutual TLS between silos and front ends, mounted as files (clusterTlsVolume).
var clusterTlsSecrets = [
  {
    name: 'cluster-tls-crt'
    keyVaultUrl: '${vault.properties.vaultUri}secrets/cluster-tls-crt'
    identity: appIdentity.id
  }
  {
    name: 'cluster-tls-key'
    keyVaultUrl: '${vault.properties.vaultUri}secrets/cluster-tls-key'
    identity: appIdentity.id
  }
]
var clusterTlsVolume = {
  name: 'cluster-tls'
  storageType: 'Secret'
  secrets: [
    {
      secretRef: 'cluster-tls-crt'
      path: 'tls.crt'
    }
    {
      secretRef: 'cluster-tls-key'
      path: 'tls.key'
    }
  ]
}
var clusterTlsMount = {
  volumeName: 'cluster-tls'
  mountPath: '/etc/switchboard/cluster-tls'
}
var appSecrets = concat([
  twilioTokenSecret
  adminKeySecret
], clusterTlsSecrets)
// Only the silos derive ids from numbers (guest ids).
var siloSecrets = concat(appSecrets, [
  {
    name: 'privacy-hash-key'
    keyVaultUrl: '${vault.properties.vaultUri}secrets/privacy-hash-key'
    identity: appIdentity.id
  }
])

var registries = empty(registryServer) ? [] : [
  {
    server: registryServer
    identity: appIdentity.id
  }
]

// Settings both kinds of process read. Each env entry is a configuration key in environment form (":" written "__");
// tests/Switchboard.Tests/Deploy/DeployConfigurationTests.cs checks every one against the keys the code binds.
var sharedEnv = [
  {
    name: 'Orleans__Clustering'
    value: 'AzureStorage'
  }
  {
    name: 'Orleans__ServiceId'
    value: serviceId
  }
  {
    name: 'Orleans__ClusterId'
    value: clusterId
  }
  {
    name: 'Webhook__AckMode'
    value: 'Durable'
  }
  {
    name: 'Twilio__WebhookBaseUrl'
    value: webhookBaseUrl
  }
  {
    name: 'Agents__Provider'
    value: 'Rules'
  }
  {
    // The table endpoint, not a connection string: the host signs in with DefaultAzureCredential.
    name: 'ConnectionStrings__AzureStorage'
    value: 'https://${storage.name}.table.${environment().suffixes.storage}'
  }
  {
    // Which of the app's identities DefaultAzureCredential signs in as (a user-assigned one).
    name: 'AZURE_CLIENT_ID'
    value: appIdentity.properties.clientId
  }
  {
    name: 'Orleans__Tls__CertificatePath'
    value: '${clusterTlsMount.mountPath}/tls.crt'
  }
  {
    name: 'Orleans__Tls__KeyPath'
    value: '${clusterTlsMount.mountPath}/tls.key'
  }
  {
    name: 'Twilio__AuthToken'
    secretRef: 'twilio-auth-token'
  }
  {
    name: 'Admin__ApiKey'
    secretRef: 'admin-api-key'
  }
]

// The sender of replies: a number or a messaging service (an empty value would be bound as "", so leave the key out).
var fromNumberEnv = empty(twilioFromNumber) ? [] : [
  {
    name: 'Twilio__FromNumber'
    value: twilioFromNumber
  }
]
var messagingServiceEnv = empty(twilioMessagingServiceSid) ? [] : [
  {
    name: 'Twilio__MessagingServiceSid'
    value: twilioMessagingServiceSid
  }
]

var siloOnlyEnv = [
  {
    name: 'Twilio__AccountSid'
    value: twilioAccountSid
  }
  {
    name: 'Privacy__HashKey'
    secretRef: 'privacy-hash-key'
  }
  {
    // Every silo advertises the environment's private IP; its ports tell the silos apart.
    name: 'Orleans__AdvertisedIPAddress'
    value: containerEnv.properties.staticIp
  }
]

// Container Apps refuses a probe outside its ranges: failureThreshold and successThreshold 1-10, initialDelaySeconds
// 0-60, periodSeconds and timeoutSeconds 1-240 (tests/Switchboard.Tests/Deploy/ContainerAppsTemplateTests.cs compiles
// this file and checks every probe). A start-up allowance longer than ten tries takes a longer period instead.
var probes = [
  {
    // Up to 120 s to start (12 s x 10): a silo joins the membership table, a front end waits for a silo to answer.
    type: 'Startup'
    httpGet: {
      path: '/health/live'
      port: 8080
    }
    periodSeconds: 12
    failureThreshold: 10
  }
  {
    type: 'Readiness'
    httpGet: {
      path: '/health'
      port: 8080
    }
    periodSeconds: 10
    timeoutSeconds: 6
    failureThreshold: 3
  }
  {
    type: 'Liveness'
    httpGet: {
      path: '/health/live'
      port: 8080
    }
    periodSeconds: 10
    timeoutSeconds: 3
    failureThreshold: 6
  }
]

// One silo at a time: a redeploy that changes the image restarts each silo app in turn, never all of them together.
@batchSize(1)
resource silos 'Microsoft.App/containerApps@2024-03-01' = [for i in range(0, siloCount): if (deployApps) {
  name: '${baseName}-silo-${i}'
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${appIdentity.id}': {}
    }
  }
  dependsOn: [
    appIdentityReadsSecrets
    appIdentityUsesTables
  ]
  properties: {
    environmentId: containerEnv.id
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      // TCP ingress on the environment's private static IP ("external" within an internal environment): silo port as the
      // main port, gateway port as an additional one; exposed port = target port = the port the silo listens on and
      // advertises, unique in the environment.
      ingress: {
        external: true
        transport: 'tcp'
        targetPort: siloPortBase + i
        exposedPort: siloPortBase + i
        additionalPortMappings: [
          {
            external: true
            targetPort: gatewayPortBase + i
            exposedPort: gatewayPortBase + i
          }
        ]
      }
      secrets: siloSecrets
      registries: registries
    }
    template: {
      // Orleans deactivates grains and leaves the membership table on SIGTERM.
      terminationGracePeriodSeconds: 60
      containers: [
        {
          name: 'silo'
          image: siloImage
          env: concat(sharedEnv, siloOnlyEnv, fromNumberEnv, messagingServiceEnv, [
            {
              // The .NET host's graceful-stop deadline (30 s by default): below the 60 s grace period, not cut at 30 s.
              name: 'DOTNET_shutdownTimeoutSeconds'
              value: '50'
            }
            {
              name: 'Orleans__SiloPort'
              value: string(siloPortBase + i)
            }
            {
              name: 'Orleans__GatewayPort'
              value: string(gatewayPortBase + i)
            }
          ])
          probes: probes
          volumeMounts: [
            clusterTlsMount
          ]
          resources: {
            cpu: json('1.0')
            memory: '2Gi'
          }
        }
      ]
      volumes: [
        clusterTlsVolume
      ]
      // Exactly one replica: a second one would share this app's ports and address.
      scale: {
        minReplicas: 1
        maxReplicas: 1
      }
    }
  }
}]

resource frontend 'Microsoft.App/containerApps@2024-03-01' = if (deployApps) {
  name: '${baseName}-frontend'
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${appIdentity.id}': {}
    }
  }
  dependsOn: [
    appIdentityReadsSecrets
    appIdentityUsesTables
  ]
  properties: {
    environmentId: containerEnv.id
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        transport: 'http'
        targetPort: 8080
        allowInsecure: false
      }
      secrets: appSecrets
      registries: registries
    }
    template: {
      terminationGracePeriodSeconds: 30
      volumes: [
        clusterTlsVolume
      ]
      containers: [
        {
          name: 'frontend'
          image: frontendImage
          env: concat(sharedEnv, [
            {
              // The .NET host's graceful-stop deadline (30 s by default, the whole grace period): stop within it.
              name: 'DOTNET_shutdownTimeoutSeconds'
              value: '25'
            }
          ])
          probes: probes
          volumeMounts: [
            clusterTlsMount
          ]
          resources: {
            cpu: json('0.5')
            memory: '1Gi'
          }
        }
      ]
      scale: {
        minReplicas: frontendMinReplicas
        maxReplicas: frontendMaxReplicas
        rules: [
          {
            name: 'http-requests'
            http: {
              metadata: {
                concurrentRequests: '100'
              }
            }
          }
        ]
      }
    }
  }
}

output environmentStaticIp string = containerEnv.properties.staticIp
output environmentDefaultDomain string = containerEnv.properties.defaultDomain
output keyVaultName string = vault.name
output storageAccountName string = storage.name
output appIdentityPrincipalId string = appIdentity.properties.principalId
output frontendFqdn string = deployApps ? frontend!.properties.configuration.ingress.fqdn : ''
