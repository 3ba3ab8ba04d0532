module github.com/petstoreapi/petstore-webhooks

go 1.26
