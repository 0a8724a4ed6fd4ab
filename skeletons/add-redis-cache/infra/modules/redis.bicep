@description('Azure Cache for Redis for ${{ values.service }}')
param location string = '${{ values.region }}'

resource cache 'Microsoft.Cache/redis@2023-08-01' = {
  name: '${{ values.service }}-cache'
  location: location
  properties: {
    sku: {
      name: '${{ values.sku }}'
      family: '${{ values.family }}'
      capacity: ${{ values.capacity }}
    }
    enableNonSslPort: false
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Disabled'
  }
}

output hostName string = cache.properties.hostName
