// Package rabbitmq runs RabbitMQ for the local stack.
package rabbitmq
