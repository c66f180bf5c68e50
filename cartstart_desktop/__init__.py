"""The CartStart desktop cart: one cart for products set aside in many stores."""
